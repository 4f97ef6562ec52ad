// PostgreSQL-only behaviour: schema selection through the URL, per-pool type parsers and
// connection failures. The engine-independent contract is in database.case.ts.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import pg from 'pg';
import { DbError } from '../errors.js';
import { testPostgresUrl, withSearchPath } from '../testing.js';
import { openPostgres } from './open-postgres.js';

test('search_path given in the URL options selects the schema', async () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const db = await openPostgres({ url: withSearchPath(testPostgresUrl(), schema), max: 2 });
  try {
    await db.exec(`CREATE SCHEMA "${schema}"`);
    assert.deepEqual(await db.get('SELECT current_schema() AS s'), { s: schema });
    await db.exec('CREATE TABLE here (id TEXT PRIMARY KEY)');
    const located = await db.get('SELECT table_schema FROM information_schema.tables WHERE table_name = ?', ['here']);
    assert.deepEqual(located, { table_schema: schema });
    assert.deepEqual(await db.listTables(), ['here']);
    // Every pooled connection (including a transaction's) uses the schema.
    await db.transaction(async (tx) => {
      assert.deepEqual(await tx.get('SELECT current_schema() AS s'), { s: schema });
    });
  } finally {
    await db.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.close();
  }
});

test('the URL form with a percent-encoded options parameter works', async () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const url = `${testPostgresUrl()}?options=-c%20search_path%3D${schema}`;
  const db = await openPostgres({ url, max: 1 });
  try {
    assert.deepEqual(await db.get('SELECT current_setting(?) AS s', ['search_path']), { s: schema });
  } finally {
    await db.close();
  }
});

test('type parsers are per pool: the global pg.types is untouched', async () => {
  const db = await openPostgres({ url: testPostgresUrl(), max: 1 });
  const plain = new pg.Client({ connectionString: testPostgresUrl() });
  await plain.connect();
  try {
    const sql = `SELECT 5::int8 AS i, 1.5::numeric AS n, '{"a": 1}'::jsonb AS j, '[1]'::json AS k, '2024-01-02'::date AS d`;
    assert.deepEqual(await db.get(sql), { i: 5, n: 1.5, j: '{"a": 1}', k: '[1]', d: '2024-01-02' });
    const { rows } = await plain.query(sql);
    assert.deepEqual(rows[0], { i: '5', n: '1.5', j: { a: 1 }, k: [1], d: rows[0].d });
    assert.ok(rows[0].d instanceof Date);
  } finally {
    await plain.end();
    await db.close();
  }
});

test('an unreachable server fails at open with a DbError', async () => {
  await assert.rejects(openPostgres({ url: 'postgres://postgres@127.0.0.1:1/test', max: 1 }), DbError);
});

test('a missing database fails at open with a DbError', async () => {
  const url = new URL(testPostgresUrl());
  url.pathname = '/plinth_no_such_database';
  await assert.rejects(openPostgres({ url: url.toString(), max: 1 }), (err: unknown) => {
    assert.ok(err instanceof DbError);
    assert.equal(err.code, '3D000');
    return true;
  });
});

test('a failed transaction returns its connection to the pool', async () => {
  const db = await openPostgres({ url: testPostgresUrl(), max: 1 });
  try {
    for (let i = 0; i < 3; i++) {
      await assert.rejects(db.transaction((tx) => tx.get('SELECT 1 / 0 AS x')), DbError);
    }
    assert.deepEqual(await db.get('SELECT 1 AS one'), { one: 1 });
  } finally {
    await db.close();
  }
});

test('a lock that cannot be taken is a busy DbError', async () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const db = await openPostgres({ url: withSearchPath(testPostgresUrl(), schema), max: 3 });
  try {
    await db.exec(`CREATE SCHEMA "${schema}"; CREATE TABLE t (id TEXT PRIMARY KEY); INSERT INTO t VALUES ('a')`);
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let started!: () => void;
    const inside = new Promise<void>((r) => {
      started = r;
    });
    const holder = db.transaction(async (tx) => {
      await tx.get("SELECT id FROM t WHERE id = 'a' FOR UPDATE");
      started();
      await gate;
    });
    await inside;
    try {
      await assert.rejects(
        db.transaction((tx) => tx.get("SELECT id FROM t WHERE id = 'a' FOR UPDATE NOWAIT")),
        (err: unknown) => {
          assert.ok(err instanceof DbError);
          assert.equal(err.kind, 'busy');
          return true;
        },
      );
    } finally {
      release();
      await holder;
    }
  } finally {
    await db.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.close();
  }
});
