// The bare baseline of the benchmarks: node:http plus the driver, doing the same queries on
// the same table as Plinth and answering the same JSON, with nothing else in the way.
// usage: node bench/baseline-server.mjs <port> sqlite <data.db> | postgres <url>
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

const [port, engine, target] = process.argv.slice(2);
const TABLE = 'bench';
const COLUMNS = ['id', 'title', 'category', 'score', 'created', 'updated'];

function exportRow(row) {
  return {
    category: row.category,
    collectionId: process.env.BENCH_COLLECTION_ID ?? '',
    collectionName: TABLE,
    created: row.created,
    id: row.id,
    score: Number(row.score),
    title: row.title,
    updated: row.updated,
  };
}

function newId() {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(15);
  let out = '';
  for (const b of bytes) out += alphabet[b % 36];
  return out;
}

async function openStore() {
  if (engine === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(target);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 10000');
    const view = db.prepare(`SELECT ${COLUMNS.join(',')} FROM ${TABLE} WHERE id = ?`);
    const list = db.prepare(`SELECT ${COLUMNS.join(',')} FROM ${TABLE} WHERE category = ? ORDER BY score DESC LIMIT 30`);
    const count = db.prepare(`SELECT COUNT(*) AS n FROM ${TABLE} WHERE category = ?`);
    const insert = db.prepare(`INSERT INTO ${TABLE} (id, title, category, score, created, updated) VALUES (?, ?, ?, ?, ?, ?)`);
    return {
      view: async (id) => view.get(id),
      list: async (category) => ({ rows: list.all(category), total: count.get(category).n }),
      create: async (row) => {
        insert.run(row.id, row.title, row.category, row.score, row.created, row.updated);
        return view.get(row.id);
      },
    };
  }
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: target, max: 10 });
  return {
    view: async (id) => (await pool.query(`SELECT ${COLUMNS.join(',')} FROM ${TABLE} WHERE id = $1`, [id])).rows[0],
    list: async (category) => {
      const [rows, total] = await Promise.all([
        pool.query(`SELECT ${COLUMNS.join(',')} FROM ${TABLE} WHERE category = $1 ORDER BY score DESC LIMIT 30`, [category]),
        pool.query(`SELECT COUNT(*)::int AS n FROM ${TABLE} WHERE category = $1`, [category]),
      ]);
      return { rows: rows.rows, total: total.rows[0].n };
    },
    create: async (row) =>
      (
        await pool.query(
          `INSERT INTO ${TABLE} (id, title, category, score, created, updated) VALUES ($1,$2,$3,$4,$5,$6) RETURNING ${COLUMNS.join(',')}`,
          [row.id, row.title, row.category, row.score, row.created, row.updated],
        )
      ).rows[0],
  };
}

const store = await openStore();

// The download scenario: the file streamed from disk with its length, nothing else.
const FILES_ROOT = process.env.BENCH_FILES_ROOT ?? '';

async function sendFile(res, path) {
  const info = await stat(path).catch(() => null);
  if (!info) return send(res, 404, { status: 404 });
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': info.size });
  createReadStream(path).pipe(res);
}

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://x');
    if (req.method === 'GET' && url.pathname === '/api/health') return send(res, 200, { code: 200 });
    const fileMatch = /^\/api\/files\/benchfiles\/([a-z0-9]+)\/([\w.]+)$/.exec(url.pathname);
    if (req.method === 'GET' && fileMatch) return sendFile(res, join(FILES_ROOT, fileMatch[1], fileMatch[2]));
    const viewMatch = /^\/api\/collections\/bench\/records\/([a-z0-9]+)$/.exec(url.pathname);
    if (req.method === 'GET' && viewMatch) {
      const row = await store.view(viewMatch[1]);
      return row ? send(res, 200, exportRow(row)) : send(res, 404, { status: 404 });
    }
    if (url.pathname === '/api/collections/bench/records' && req.method === 'GET') {
      const category = /category\s*=\s*['"]([^'"]+)['"]/.exec(url.searchParams.get('filter') ?? '')?.[1] ?? '';
      const { rows, total } = await store.list(category);
      return send(res, 200, { page: 1, perPage: 30, totalItems: total, totalPages: Math.ceil(total / 30), items: rows.map(exportRow) });
    }
    if (url.pathname === '/api/collections/bench/records' && req.method === 'POST') {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      const input = JSON.parse(raw);
      const now = new Date().toISOString().replace('T', ' ');
      const row = await store.create({ id: newId(), title: String(input.title), category: String(input.category), score: Number(input.score), created: now, updated: now });
      return send(res, 200, exportRow(row));
    }
    send(res, 404, { status: 404 });
  } catch (err) {
    send(res, 500, { status: 500, message: String(err) });
  }
}).listen(Number(port), '127.0.0.1');
