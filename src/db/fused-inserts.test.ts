import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fusedStatement, isGatheringInserts, withFusedInserts } from './fused-inserts.js';
import { openTestDatabase, type TestDatabase } from './testing.js';

test('gathered inserts become one statement, the last one primary, parameters in order', () => {
  const one = { sql: 'INSERT INTO "a" ("x") VALUES (?)', params: [1] };
  const two = { sql: 'INSERT INTO "b" ("y", "z") VALUES (?, ?)', params: ['p', 'q'] };
  assert.deepEqual(fusedStatement([one]), one);
  assert.deepEqual(fusedStatement([one, two]), {
    sql: 'WITH "fused0" AS (INSERT INTO "a" ("x") VALUES (?)) INSERT INTO "b" ("y", "z") VALUES (?, ?)',
    params: [1, 'p', 'q'],
  });
  assert.throws(() => fusedStatement([]));
});

describe('fused inserts [postgres]', () => {
  let t: TestDatabase;
  before(async () => {
    t = await openTestDatabase('postgres');
    await t.db.exec('CREATE TABLE "rows" ("id" TEXT PRIMARY KEY); CREATE TABLE "outbox" ("id" TEXT PRIMARY KEY, "payload" TEXT NOT NULL)');
  });
  after(() => t.cleanup());
  const ids = async (table: string) => (await t.db.all<{ id: string }>(`SELECT "id" FROM "${table}" ORDER BY "id"`)).map((r) => r.id);

  test('the inserts land together, after the write is done', async () => {
    const seenDuring = await withFusedInserts(t.db, async (exec) => {
      assert.deepEqual(await exec.run('INSERT INTO "rows" ("id") VALUES (?)', ['r1']), { changes: 1 });
      await exec.run('INSERT INTO "outbox" ("id", "payload") VALUES (?, ?)', ['o1', '{}']);
      // Reads see committed data only: the held rows are not there yet.
      return ids('rows');
    });
    assert.deepEqual(seenDuring, []);
    assert.deepEqual(await ids('rows'), ['r1']);
    assert.deepEqual(await ids('outbox'), ['o1']);
  });

  test('one failing insert writes none of them; a write that throws writes nothing', async () => {
    await assert.rejects(
      withFusedInserts(t.db, async (exec) => {
        await exec.run('INSERT INTO "rows" ("id") VALUES (?)', ['r2']);
        await exec.run('INSERT INTO "outbox" ("id", "payload") VALUES (?, ?)', ['o1', '{}']);
      }),
      (err: Error & { kind?: string }) => err.kind === 'unique_violation',
    );
    await assert.rejects(
      withFusedInserts(t.db, async (exec) => {
        await exec.run('INSERT INTO "rows" ("id") VALUES (?)', ['r3']);
        throw new Error('refused');
      }),
      /refused/,
    );
    assert.deepEqual(await ids('rows'), ['r1']);
    assert.deepEqual(await ids('outbox'), ['o1']);
  });

  test('names that are SQL words are only names: a table "returning" with a column "values" fuses', async () => {
    await t.db.exec('CREATE TABLE "returning" ("id" TEXT PRIMARY KEY, "values" TEXT, "ON" TEXT)');
    await withFusedInserts(t.db, async (exec) => {
      assert.equal(isGatheringInserts(exec), true);
      await exec.run('INSERT INTO "returning" ("id", "values", "ON") VALUES (?, ?, ?)', ['w1', 'v', 'o']);
      await exec.run('INSERT INTO "rows" ("id") VALUES (?)', ['r9']);
    });
    assert.equal(isGatheringInserts(t.db), false);
    assert.deepEqual(await t.db.all('SELECT * FROM "returning"'), [{ id: 'w1', values: 'v', ON: 'o' }]);
    await t.db.run('DELETE FROM "rows" WHERE "id" = ?', ['r9']);
  });

  test('anything but a single-row insert is refused', async () => {
    for (const sql of [
      'UPDATE "rows" SET "id" = ?',
      'INSERT INTO "rows" ("id") VALUES (?), (?)',
      'INSERT INTO "rows" ("id") VALUES (?) ON CONFLICT DO NOTHING',
      'INSERT INTO "rows" ("id") VALUES (?) RETURNING "id"',
    ]) {
      await assert.rejects(withFusedInserts(t.db, (exec) => exec.run(sql, ['x'])), /single-row INSERT/, sql);
    }
    await assert.rejects(withFusedInserts(t.db, (exec) => exec.exec('DELETE FROM "rows"')), /cannot be fused/);
    assert.deepEqual(await ids('rows'), ['r1']);
  });
});

describe('fused inserts [sqlite]', () => {
  test('are refused: SQLite has no data-modifying WITH, its writes keep their transaction', async () => {
    const t = await openTestDatabase('sqlite');
    try {
      await assert.rejects(withFusedInserts(t.db, async () => undefined), /only be fused on PostgreSQL/);
    } finally {
      await t.cleanup();
    }
  });
});
