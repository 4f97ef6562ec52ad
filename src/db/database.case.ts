// The shared case suite for the Database port: every adapter must pass all of it.
// Registered per engine by database.test.ts through `forEachDialect`.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { DbError } from './errors.js';
import { listColumns, listTables, tableExists } from './introspection.js';
import type { Database, DialectName } from './types.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function rejectsWithKind(p: Promise<unknown>, kind: DbError['kind']): Promise<DbError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof DbError, `expected DbError, got ${String(err)}`);
    assert.equal(err.kind, kind, err.message);
    return err;
  }
  assert.fail(`expected a ${kind} error`);
}

export function databaseCases(dialect: DialectName, getDb: () => Database): void {
  beforeEach(async () => {
    const db = getDb();
    await db.exec(`
      DROP TABLE IF EXISTS child;
      DROP TABLE IF EXISTS parent;
      DROP TABLE IF EXISTS items;
      CREATE TABLE items (id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL DEFAULT '', n INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE parent (id TEXT PRIMARY KEY NOT NULL, email TEXT NOT NULL, CONSTRAINT parent_email_key UNIQUE (email));
      CREATE TABLE child (id TEXT PRIMARY KEY NOT NULL, parent TEXT NOT NULL REFERENCES parent (id));
    `);
  });

  test('dialect name matches the engine', () => {
    assert.equal(getDb().dialect.name, dialect);
  });

  test('run reports changes; all and get return rows', async () => {
    const db = getDb();
    assert.deepEqual(await db.run('INSERT INTO items (id, name, n) VALUES (?, ?, ?), (?, ?, ?)', ['a', 'x', 1, 'b', 'y', 2]), {
      changes: 2,
    });
    assert.deepEqual(await db.all('SELECT id, name, n FROM items ORDER BY id'), [
      { id: 'a', name: 'x', n: 1 },
      { id: 'b', name: 'y', n: 2 },
    ]);
    assert.deepEqual(await db.get('SELECT id FROM items WHERE n = ?', [2]), { id: 'b' });
    assert.equal(await db.get('SELECT id FROM items WHERE n = ?', [99]), undefined);
    assert.deepEqual(await db.run('UPDATE items SET n = n + 10'), { changes: 2 });
    assert.deepEqual(await db.run('DELETE FROM items WHERE id = ?', ['zzz']), { changes: 0 });
  });

  test('exec runs several statements', async () => {
    const db = getDb();
    await db.exec("INSERT INTO items (id) VALUES ('e1'); INSERT INTO items (id) VALUES ('e2');");
    assert.deepEqual(await db.all('SELECT id FROM items ORDER BY id'), [{ id: 'e1' }, { id: 'e2' }]);
  });

  test('INSERT ... RETURNING through all/get outside a transaction', async () => {
    const db = getDb();
    assert.deepEqual(await db.all("INSERT INTO items (id, n) VALUES ('r1', 7) RETURNING id, n"), [{ id: 'r1', n: 7 }]);
    assert.deepEqual(await db.get("UPDATE items SET n = 8 WHERE id = 'r1' RETURNING n"), { n: 8 });
  });

  test('bound strings may hold ?, quotes, comment markers and $1', async () => {
    const db = getDb();
    const tricky = [`what?`, `it's "quoted"`, `-- not a comment`, `/* nor this */ ?`, `$1 $$`, `\\ backslash`];
    for (const [i, name] of tricky.entries()) {
      await db.run('INSERT INTO items (id, name) VALUES (?, ?)', [`t${i}`, name]);
    }
    const rows = await db.all<{ name: string }>('SELECT name FROM items ORDER BY id');
    assert.deepEqual(
      rows.map((r) => r.name),
      tricky,
    );
    // Literal ? in SQL text (string, identifier, comments) is not a placeholder.
    const row = await db.get<{ q: string; n: string }>(
      `SELECT '?' AS q, /* ? */ name AS "n?" -- ?
       FROM items WHERE id = ?`,
      ['t0'],
    );
    assert.deepEqual(row, { q: '?', 'n?': 'what?' });
  });

  test('booleans, bigint, null and bytes bind on both engines', async () => {
    const db = getDb();
    await db.exec('CREATE TABLE IF NOT EXISTS vals (id TEXT PRIMARY KEY, b BOOLEAN, big BIGINT, bin ' +
      (dialect === 'postgres' ? 'BYTEA' : 'BLOB') + ', t TEXT)');
    await db.run('DELETE FROM vals');
    await db.run('INSERT INTO vals VALUES (?, ?, ?, ?, ?)', ['v', true, 9007199254740991n, new Uint8Array([1, 2, 255]), null]);
    const row = await db.get<{ b: unknown; big: unknown; bin: unknown; t: unknown }>('SELECT b, big, bin, t FROM vals');
    assert.ok(row);
    assert.equal(Number(row.b), 1);
    assert.equal(row.big, 9007199254740991);
    assert.ok(Buffer.isBuffer(row.bin));
    assert.deepEqual([...(row.bin as Buffer)], [1, 2, 255]);
    assert.equal(row.t, null);
    assert.deepEqual(await db.get('SELECT id FROM vals WHERE b = ?', [true]), { id: 'v' });
  });

  test('int8 and counts come back as numbers', async () => {
    const db = getDb();
    await db.run("INSERT INTO items (id, n) VALUES ('a', 1), ('b', 2)");
    const row = await db.get<{ c: unknown; s: unknown; big: unknown }>(
      'SELECT COUNT(*) AS c, SUM(n) AS s, CAST(? AS BIGINT) AS big FROM items',
      [4294967296],
    );
    assert.deepEqual(row, { c: 2, s: 3, big: 4294967296 });
  });

  test('JSON columns come back as text', async () => {
    const db = getDb();
    const jsonType = db.dialect.jsonType;
    await db.exec(`DROP TABLE IF EXISTS docs; CREATE TABLE docs (id TEXT PRIMARY KEY, data ${jsonType}, plain JSON)`);
    await db.run('INSERT INTO docs VALUES (?, ?, ?)', ['d', '{"a":[1,2]}', '[true]']);
    const row = await db.get<{ data: unknown; plain: unknown }>('SELECT data, plain FROM docs');
    assert.ok(row);
    assert.equal(typeof row.data, 'string');
    assert.deepEqual(JSON.parse(row.data as string), { a: [1, 2] });
    assert.equal(row.plain, '[true]');
  });

  test('transaction commits when the callback resolves', async () => {
    const db = getDb();
    const result = await db.transaction(async (tx) => {
      await tx.run("INSERT INTO items (id) VALUES ('c1')");
      return (await tx.get<{ c: number }>('SELECT COUNT(*) AS c FROM items'))?.c;
    });
    assert.equal(result, 1);
    assert.deepEqual(await db.all('SELECT id FROM items'), [{ id: 'c1' }]);
  });

  test('transaction rolls back when the callback throws', async () => {
    const db = getDb();
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO items (id) VALUES ('r1')");
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual(await db.all('SELECT id FROM items'), []);
  });

  test('a nested transaction that fails rolls back only its savepoint', async () => {
    const db = getDb();
    await db.transaction(async (tx) => {
      await tx.run("INSERT INTO items (id) VALUES ('outer')");
      await assert.rejects(
        tx.transaction(async (inner) => {
          await inner.run("INSERT INTO items (id) VALUES ('inner')");
          throw new Error('inner failed');
        }),
        /inner failed/,
      );
      await tx.transaction(async (inner) => {
        await inner.run("INSERT INTO items (id) VALUES ('inner2')");
        await inner.transaction(async (deeper) => {
          await deeper.run("INSERT INTO items (id) VALUES ('deeper')");
        });
      });
    });
    assert.deepEqual(await db.all('SELECT id FROM items ORDER BY id'), [{ id: 'deeper' }, { id: 'inner2' }, { id: 'outer' }]);
  });

  test('a constraint error inside a savepoint can be recovered from', async () => {
    const db = getDb();
    await db.transaction(async (tx) => {
      await tx.run("INSERT INTO parent (id, email) VALUES ('p1', 'a@x')");
      await rejectsWithKind(
        tx.transaction((inner) => inner.run("INSERT INTO parent (id, email) VALUES ('p2', 'a@x')")),
        'unique_violation',
      );
      await tx.run("INSERT INTO parent (id, email) VALUES ('p3', 'b@x')");
    });
    assert.deepEqual(await db.all('SELECT id FROM parent ORDER BY id'), [{ id: 'p1' }, { id: 'p3' }]);
  });

  test('a failed statement spoils the transaction even if the error is swallowed', async () => {
    const db = getDb();
    await rejectsWithKind(
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO parent (id, email) VALUES ('p1', 'a@x')");
        await tx.run("INSERT INTO parent (id, email) VALUES ('p2', 'a@x')").catch(() => undefined);
        await assert.rejects(tx.run("INSERT INTO parent (id, email) VALUES ('p3', 'c@x')"), DbError);
      }),
      'unique_violation',
    );
    assert.deepEqual(await db.all('SELECT id FROM parent'), []);
  });

  test('a transaction executor cannot be used after its transaction ends', async () => {
    const db = getDb();
    let leaked: Parameters<Parameters<Database['transaction']>[0]>[0] | undefined;
    await db.transaction(async (tx) => {
      leaked = tx;
    });
    assert.ok(leaked);
    await assert.rejects(leaked.run("INSERT INTO items (id) VALUES ('late')"), DbError);
    assert.deepEqual(await db.all('SELECT id FROM items'), []);
  });

  test('concurrent read-modify-write transactions do not interleave', async () => {
    const db = getDb();
    await db.run("INSERT INTO items (id, n) VALUES ('counter', 0)");
    const increment = (): Promise<void> =>
      db.transaction(async (tx) => {
        if (dialect === 'postgres') await tx.get("SELECT n FROM items WHERE id = 'counter' FOR UPDATE");
        const row = await tx.get<{ n: number }>("SELECT n FROM items WHERE id = 'counter'");
        await new Promise((resolve) => setImmediate(resolve)); // let the other callers run
        await tx.run("UPDATE items SET n = ? WHERE id = 'counter'", [(row?.n ?? 0) + 1]);
      });
    await Promise.all(Array.from({ length: 10 }, increment));
    assert.deepEqual(await db.get("SELECT n FROM items WHERE id = 'counter'"), { n: 10 });
  });

  test('reads outside a transaction do not see its uncommitted rows', async () => {
    const db = getDb();
    const inserted = deferred();
    const release = deferred();
    const tx = db.transaction(async (t) => {
      await t.run("INSERT INTO items (id) VALUES ('pending')");
      inserted.resolve();
      await release.promise;
    });
    await inserted.promise;
    try {
      assert.deepEqual(await db.all('SELECT id FROM items'), []);
      assert.equal(await db.get("SELECT id FROM items WHERE id = 'pending'"), undefined);
    } finally {
      // Even when an assertion failed, end the transaction so later tests are not blocked.
      release.resolve();
      await tx;
    }
    assert.deepEqual(await db.all('SELECT id FROM items'), [{ id: 'pending' }]);
  });

  test('unique violations map to DbError with table and columns', async () => {
    const db = getDb();
    await db.run("INSERT INTO parent (id, email) VALUES ('p1', 'a@x')");
    const unique = await rejectsWithKind(db.run("INSERT INTO parent (id, email) VALUES ('p2', 'a@x')"), 'unique_violation');
    assert.equal(unique.table, 'parent');
    assert.deepEqual(unique.columns, ['email']);
    const pk = await rejectsWithKind(db.run("INSERT INTO parent (id, email) VALUES ('p1', 'z@x')"), 'unique_violation');
    assert.deepEqual(pk.columns, ['id']);
  });

  test('unique violations on a multi-column index list every column', async () => {
    const db = getDb();
    await db.exec('CREATE UNIQUE INDEX items_name_n ON items (name, n)');
    await db.run("INSERT INTO items (id, name, n) VALUES ('a', 'x', 1)");
    const err = await rejectsWithKind(db.run("INSERT INTO items (id, name, n) VALUES ('b', 'x', 1)"), 'unique_violation');
    assert.equal(err.table, 'items');
    assert.deepEqual(err.columns, ['name', 'n']);
  });

  test('not null violations map to DbError with the column', async () => {
    const db = getDb();
    const err = await rejectsWithKind(db.run('INSERT INTO parent (id, email) VALUES (?, ?)', ['p', null]), 'not_null');
    assert.equal(err.table, 'parent');
    assert.deepEqual(err.columns, ['email']);
  });

  test('foreign key violations map to DbError', async () => {
    const db = getDb();
    await rejectsWithKind(db.run("INSERT INTO child (id, parent) VALUES ('c', 'missing')"), 'foreign_key');
    await db.run("INSERT INTO parent (id, email) VALUES ('p', 'a@x')");
    await db.run("INSERT INTO child (id, parent) VALUES ('c', 'p')");
    await rejectsWithKind(db.run("DELETE FROM parent WHERE id = 'p'"), 'foreign_key');
  });

  test('syntax errors and unknown tables are DbError of kind other', async () => {
    const db = getDb();
    await rejectsWithKind(db.all('SELEC nonsense'), 'other');
    await rejectsWithKind(db.all('SELECT * FROM no_such_table'), 'other');
    await rejectsWithKind(db.exec('CREATE TABLE items (id TEXT)'), 'other');
  });

  test('upsertSuffix updates or ignores conflicting rows', async () => {
    const db = getDb();
    const { upsertSuffix } = db.dialect;
    const sql = (cols: string[]): string => `INSERT INTO items (id, name, n) VALUES (?, ?, ?) ${upsertSuffix(['id'], cols)}`;
    await db.run(sql(['name']), ['u', 'first', 1]);
    await db.run(sql(['name']), ['u', 'second', 2]);
    assert.deepEqual(await db.get("SELECT name, n FROM items WHERE id = 'u'"), { name: 'second', n: 1 });
    await db.run(sql([]), ['u', 'third', 3]);
    assert.deepEqual(await db.get("SELECT name, n FROM items WHERE id = 'u'"), { name: 'second', n: 1 });
  });

  test('quoteIdent handles reserved words and embedded quotes', async () => {
    const db = getDb();
    const q = db.dialect.quoteIdent;
    await db.exec(`DROP TABLE IF EXISTS ${q('we"ird')}; CREATE TABLE ${q('we"ird')} (${q('select')} TEXT, ${q('a b')} TEXT)`);
    await db.run(`INSERT INTO ${q('we"ird')} (${q('select')}, ${q('a b')}) VALUES (?, ?)`, ['s', 'ab']);
    assert.deepEqual(await db.all(`SELECT ${q('select')}, ${q('a b')} FROM ${q('we"ird')}`), [{ select: 's', 'a b': 'ab' }]);
  });

  test('random ordering works', async () => {
    const db = getDb();
    await db.run("INSERT INTO items (id) VALUES ('a'), ('b'), ('c')");
    const rows = await db.all<{ id: string }>(`SELECT id FROM items ORDER BY ${db.dialect.randomFn}`);
    assert.deepEqual(rows.map((r) => r.id).sort(), ['a', 'b', 'c']);
  });

  test('introspection lists tables and columns', async () => {
    const db = getDb();
    assert.equal(await db.tableExists('items'), true);
    assert.equal(await db.tableExists('nope'), false);
    const tables = await db.listTables();
    for (const t of ['child', 'items', 'parent']) assert.ok(tables.includes(t), t);
    assert.deepEqual([...tables].sort(), tables);
    const cols = await db.listColumns('items');
    assert.deepEqual(
      cols.map((c) => [c.name, c.type, c.notNull, c.primaryKey]),
      [
        ['id', 'TEXT', true, true],
        ['name', 'TEXT', true, false],
        ['n', 'INTEGER', true, false],
      ],
    );
    assert.equal(cols[1]?.defaultSql?.startsWith("''"), true);
    assert.deepEqual(await db.listColumns('nope'), []);
  });

  test('introspection inside a transaction sees its own uncommitted DDL', async () => {
    const db = getDb();
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.exec('CREATE TABLE draft (id TEXT PRIMARY KEY, v TEXT)');
        assert.equal(await tableExists(tx, 'draft'), true);
        assert.ok((await listTables(tx)).includes('draft'));
        assert.deepEqual(
          (await listColumns(tx, 'draft')).map((c) => c.name),
          ['id', 'v'],
        );
        assert.equal(await db.tableExists('draft'), false); // not committed yet
        throw new Error('undo');
      }),
      /undo/,
    );
    assert.equal(await db.tableExists('draft'), false); // DDL rolled back on both engines
  });
}
