// SQLite-only behaviour: connection settings, the reader/writer split and opening a
// PocketBase data file. The engine-independent contract is in database.case.ts.
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DbError } from '../errors.js';
import { Migrator } from '../migrator.js';
import type { Database } from '../types.js';
import { openSqlite } from './open-sqlite.js';

const FIXTURE = '/work/shared/pocketbase-compat/fixture/data.db';

describe('openSqlite', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plinth-sqlite-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function withDb(name: string, options: { synchronous?: 'NORMAL' | 'FULL' }, fn: (db: Database) => Promise<void>): Promise<void> {
    const db = await openSqlite({ file: join(dir, name), ...options });
    try {
      await fn(db);
    } finally {
      await db.close();
    }
  }

  test('applies the PocketBase pragmas', async () => {
    await withDb('pragmas.db', {}, async (db) => {
      assert.deepEqual(await db.get('PRAGMA journal_mode'), { journal_mode: 'wal' });
      assert.deepEqual(await db.get('PRAGMA foreign_keys'), { foreign_keys: 1 });
      assert.deepEqual(await db.get('PRAGMA synchronous'), { synchronous: 1 }); // NORMAL
      assert.deepEqual(await db.get('PRAGMA busy_timeout'), { timeout: 10000 });
      assert.deepEqual(await db.get('PRAGMA temp_store'), { temp_store: 2 }); // MEMORY
      assert.deepEqual(await db.get('PRAGMA cache_size'), { cache_size: -32000 });
    });
  });

  test('synchronous FULL on request', async () => {
    await withDb('full.db', { synchronous: 'FULL' }, async (db) => {
      assert.deepEqual(await db.get('PRAGMA synchronous'), { synchronous: 2 });
    });
  });

  test('JSON1 functions are available', async () => {
    await withDb('json.db', {}, async (db) => {
      assert.deepEqual(await db.get(`SELECT json_extract('{"a":[1,2]}', '$.a[1]') AS v, json_valid('x') AS ok`), { v: 2, ok: 0 });
      assert.deepEqual(await db.all(`SELECT value FROM json_each('[1,"b"]')`), [{ value: 1 }, { value: 'b' }]);
    });
  });

  test('close checkpoints the WAL into the database file', async () => {
    const file = join(dir, 'checkpoint.db');
    const db = await openSqlite({ file });
    await db.exec('CREATE TABLE t (v TEXT)');
    await db.run('INSERT INTO t VALUES (?)', ['x'.repeat(10000)]);
    assert.ok((await stat(`${file}-wal`)).size > 0);
    await db.close();
    const wal = await stat(`${file}-wal`).catch(() => undefined);
    assert.ok(wal === undefined || wal.size === 0);
    await db.close(); // a second close is harmless
    await assert.rejects(db.all('SELECT 1'));
  });

  test('close waits for a running transaction', async () => {
    const db = await openSqlite({ file: join(dir, 'close-wait.db') });
    await db.exec('CREATE TABLE t (v TEXT)');
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const tx = db.transaction(async (t) => {
      await gate;
      await t.run("INSERT INTO t VALUES ('late')");
    });
    const closing = db.close();
    release();
    await tx;
    await closing;
    const again = await openSqlite({ file: join(dir, 'close-wait.db') });
    assert.deepEqual(await again.all('SELECT v FROM t'), [{ v: 'late' }]);
    await again.close();
  });

  test('statements outside a transaction that write still go through the writer', async () => {
    await withDb('routing.db', {}, async (db) => {
      await db.exec('CREATE TABLE t (v INTEGER)');
      assert.deepEqual(await db.all('INSERT INTO t VALUES (1) RETURNING v'), [{ v: 1 }]);
      assert.equal(await db.get('INSERT INTO t VALUES (2)'), undefined);
      assert.deepEqual(await db.all('SELECT v FROM t ORDER BY v'), [{ v: 1 }, { v: 2 }]);
    });
  });

  test('a non-transactional write waits for an open transaction instead of joining it', async () => {
    await withDb('queue.db', {}, async (db) => {
      await db.exec('CREATE TABLE t (v TEXT)');
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const tx = db
        .transaction(async (t) => {
          await t.run("INSERT INTO t VALUES ('in tx')");
          await gate;
          throw new Error('roll back');
        })
        .catch(() => 'rolled back');
      const outside = db.run("INSERT INTO t VALUES ('outside')");
      release();
      assert.equal(await tx, 'rolled back');
      await outside;
      assert.deepEqual(await db.all('SELECT v FROM t'), [{ v: 'outside' }]);
    });
  });

  test('a write blocked by another connection\'s transaction is a busy DbError', async () => {
    const file = join(dir, 'busy.db');
    const holder = await openSqlite({ file });
    const other = await openSqlite({ file, busyTimeoutMs: 0 });
    try {
      await holder.exec('CREATE TABLE t (v TEXT)');
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      let started!: () => void;
      const inside = new Promise<void>((r) => {
        started = r;
      });
      const tx = holder.transaction(async (t) => {
        await t.run("INSERT INTO t VALUES ('held')");
        started();
        await gate;
      });
      await inside;
      try {
        await assert.rejects(other.run("INSERT INTO t VALUES ('blocked')"), (err: unknown) => {
          assert.ok(err instanceof DbError);
          assert.equal(err.kind, 'busy');
          return true;
        });
      } finally {
        release();
        await tx;
      }
      await other.run("INSERT INTO t VALUES ('after')");
      assert.deepEqual(await other.all('SELECT v FROM t ORDER BY v'), [{ v: 'after' }, { v: 'held' }]);
    } finally {
      await other.close();
      await holder.close();
    }
  });

  test('opens a copy of a PocketBase data file as already initialised', async () => {
    const file = join(dir, 'pb.db');
    await copyFile(FIXTURE, file);
    const db = await openSqlite({ file });
    try {
      assert.equal(await db.tableExists('_collections'), true);
      assert.equal(await db.tableExists('_migrations'), true);
      const tables = await db.listTables();
      assert.ok(tables.includes('_superusers'));
      assert.ok(!tables.some((t) => t.startsWith('sqlite_')));
      const recorded = await new Migrator(db, []).recorded();
      assert.ok(recorded.length > 10);
      assert.equal(recorded[0]?.file, '1640988000_init.go');
      const first = recorded[0]?.file ?? '';
      const migrator = new Migrator(db, [
        {
          file: first,
          async up() {
            throw new Error('must not run');
          },
        },
      ]);
      assert.deepEqual(await migrator.up(), []);
      const cols = await db.listColumns('_migrations');
      assert.deepEqual(
        cols.map((c) => `${c.name} ${c.type}`),
        ['file VARCHAR(255)', 'applied INTEGER'],
      );
    } finally {
      await db.close();
    }
  });
});
