// File scenarios of `npm run bench`: downloading a 1 MiB file (Plinth vs bench/baseline-server.mjs,
// which streams the same file with node:http + fs.createReadStream), and thumbnails (the first
// request, which generates one, against later requests served from the store).
// The record and its files are put in place directly (SQL row, files in PocketBase's storage
// layout), so the figures are about serving alone.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

export const FILE_RECORD_ID = 'benchfile000001';
export const FILE_NAME = 'payload_1mib_a1b2c3d4e5.bin';
const IMAGE_COUNT = 20;
const imageName = (i) => `photo_${String(i).padStart(2, '0')}_a1b2c3d4e5.jpg`;

function putFile(dir, key, body, contentType) {
  const path = join(dir, 'storage', key);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, body);
  const attrs = {
    'user.cache_control': '',
    'user.content_disposition': '',
    'user.content_encoding': '',
    'user.content_language': '',
    'user.content_type': contentType,
    'user.metadata': null,
    md5: createHash('md5').update(body).digest('base64'),
  };
  writeFileSync(`${path}.attrs`, JSON.stringify(attrs));
}

/**
 * The file scenarios' record and files: a SQL row on the benchmark's database (SQLite's
 * data.db, or `schema` through `pgClient`), the files on disk. Returns the collection id.
 */
export async function seedFileScenarios(url, { api, superuser, dir, pgClient, schema }) {
  const { token } = await api(url, '/api/collections/_superusers/auth-with-password', {
    method: 'POST',
    body: { identity: superuser.email, password: superuser.password },
  });
  let sqlite = null;
  const insertRow = async (sql, params) => {
    if (pgClient) {
      let n = 0;
      await pgClient.query(sql.replace('INTO benchfiles', `INTO ${schema}.benchfiles`).replace(/\?/g, () => `$${++n}`), params);
      return;
    }
    const { default: Database } = await import('better-sqlite3');
    sqlite ??= new Database(join(dir, 'data.db'));
    sqlite.prepare(sql).run(...params);
  };
  try {
    return await seedFiles({ url, api, token, dir, insertRow });
  } finally {
    sqlite?.close();
  }
}

/**
 * Creates `benchfiles` (a public file and 20 photos) with one record, writes the files into
 * Plinth's storage, and returns the collection id. `insertRow(sql, params)` runs SQL on the
 * benchmark's database (sqlite placeholders `?`).
 */
async function seedFiles({ url, api, token, dir, insertRow }) {
  const collection = await api(url, '/api/collections', {
    method: 'POST',
    token,
    body: {
      name: 'benchfiles',
      type: 'base',
      viewRule: '',
      fields: [
        { name: 'doc', type: 'file', maxSelect: 1, maxSize: 10 << 20 },
        { name: 'photos', type: 'file', maxSelect: IMAGE_COUNT, maxSize: 10 << 20 },
      ],
    },
  });
  const photos = Array.from({ length: IMAGE_COUNT }, (_, i) => imageName(i));
  await insertRow(`INSERT INTO benchfiles (id, doc, photos) VALUES (?, ?, ?)`, [FILE_RECORD_ID, FILE_NAME, JSON.stringify(photos)]);
  const base = `${collection.id}/${FILE_RECORD_ID}`;
  putFile(dir, `${base}/${FILE_NAME}`, randomBytes(1 << 20), 'application/octet-stream');
  // A 2000×1500 photo-like JPEG (noise compresses like a photograph, not like a flat colour).
  const noise = randomBytes(2000 * 1500 * 3);
  const jpeg = await sharp(noise, { raw: { width: 2000, height: 1500, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
  for (const name of photos) putFile(dir, `${base}/${name}`, jpeg, 'image/jpeg');
  return collection.id;
}

/** Download path shared by Plinth and the baseline. */
export function downloadPath() {
  return `/api/files/benchfiles/${FILE_RECORD_ID}/${FILE_NAME}`;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timedGet(url) {
  const start = process.hrtime.bigint();
  const res = await fetch(url);
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, type: res.headers.get('content-type'), size: body.length };
}

/** Median latency of a first thumbnail request (generation) and of a repeated one (stored). */
export async function measureThumbs(url) {
  const first = [];
  const cached = [];
  for (let i = 0; i < IMAGE_COUNT; i++) {
    const thumb = `${url}/api/files/benchfiles/${FILE_RECORD_ID}/${imageName(i)}?thumb=100x100`;
    const made = await timedGet(thumb);
    if (made.type !== 'image/jpeg' || made.size > 100_000) throw new Error('no thumbnail was served');
    first.push(made.ms);
    cached.push((await timedGet(thumb)).ms);
  }
  return { firstMs: median(first), cachedMs: median(cached), count: IMAGE_COUNT };
}
