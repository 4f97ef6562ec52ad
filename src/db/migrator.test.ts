import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Migrator } from './migrator.js';
import type { Migration } from './migrator.js';
import { forEachDialect } from './testing.js';
import type { Database } from './types.js';

const fixedClock = { now: () => new Date('2025-01-02T03:04:05.678Z') };

function createTable(file: string, table: string, log: string[] = []): Migration {
  return {
    file,
    async up(tx) {
      log.push(`up ${file}`);
      await tx.exec(`CREATE TABLE ${table} (id TEXT PRIMARY KEY)`);
    },
    async down(tx) {
      log.push(`down ${file}`);
      await tx.exec(`DROP TABLE ${table}`);
    },
  };
}

async function reset(db: Database): Promise<void> {
  await db.exec('DROP TABLE IF EXISTS _migrations; DROP TABLE IF EXISTS m_a; DROP TABLE IF EXISTS m_b; DROP TABLE IF EXISTS m_c');
}

forEachDialect(
  (dialect, getDb) => {
    test('creates _migrations with PocketBase columns', async () => {
      const db = getDb();
      await reset(db);
      await new Migrator(db, []).init();
      const cols = await db.listColumns('_migrations');
      assert.deepEqual(
        cols.map((c) => [c.name, c.notNull, c.primaryKey]),
        [
          ['file', true, true],
          ['applied', true, false],
        ],
      );
      assert.equal(cols[1]?.type, dialect === 'postgres' ? 'BIGINT' : 'INTEGER');
    });

    test('applies pending migrations in file order and records microseconds', async () => {
      const db = getDb();
      await reset(db);
      const log: string[] = [];
      const migrator = new Migrator(db, [createTable('2_b', 'm_b', log), createTable('1_a', 'm_a', log)], {
        clock: fixedClock,
      });
      assert.deepEqual(
        (await migrator.list()).map((s) => [s.file, s.applied]),
        [
          ['1_a', false],
          ['2_b', false],
        ],
      );
      assert.deepEqual(await migrator.up(), ['1_a', '2_b']);
      assert.deepEqual(log, ['up 1_a', 'up 2_b']);
      assert.equal(await db.tableExists('m_a'), true);
      assert.deepEqual(await db.all('SELECT file, applied FROM _migrations ORDER BY file'), [
        { file: '1_a', applied: 1735787045678000 },
        { file: '2_b', applied: 1735787045678000 },
      ]);
      assert.deepEqual(await migrator.up(), []);
      assert.deepEqual(
        (await migrator.list()).map((s) => [s.file, s.applied, s.appliedAt]),
        [
          ['1_a', true, 1735787045678000],
          ['2_b', true, 1735787045678000],
        ],
      );
    });

    test('skips migrations already recorded (e.g. by PocketBase)', async () => {
      const db = getDb();
      await reset(db);
      await db.exec('CREATE TABLE _migrations (file VARCHAR(255) PRIMARY KEY NOT NULL, applied BIGINT NOT NULL)');
      await db.run('INSERT INTO _migrations (file, applied) VALUES (?, ?), (?, ?)', [
        '1640988000_init.go',
        1665395386,
        '1_a',
        1691746422498469,
      ]);
      const log: string[] = [];
      const migrator = new Migrator(db, [createTable('1_a', 'm_a', log), createTable('2_b', 'm_b', log)]);
      assert.deepEqual(await migrator.up(), ['2_b']);
      assert.deepEqual(log, ['up 2_b']);
      assert.equal(await db.tableExists('m_a'), false);
      const recorded = await migrator.recorded();
      assert.deepEqual(
        recorded.map((r) => r.file),
        ['1640988000_init.go', '1_a', '2_b'],
        'seconds-valued rows order before microsecond ones',
      );
    });

    test('a failing migration is rolled back and stops the run, keeping earlier ones', async () => {
      const db = getDb();
      await reset(db);
      const failing: Migration = {
        file: '2_fail',
        async up(tx) {
          await tx.exec('CREATE TABLE m_b (id TEXT PRIMARY KEY)');
          throw new Error('migration failed');
        },
      };
      const migrator = new Migrator(db, [createTable('1_a', 'm_a'), failing, createTable('3_c', 'm_c')]);
      await assert.rejects(migrator.up(), /migration failed/);
      assert.equal(await db.tableExists('m_a'), true);
      assert.equal(await db.tableExists('m_b'), false);
      assert.equal(await db.tableExists('m_c'), false);
      assert.deepEqual(
        (await migrator.list()).map((s) => s.applied),
        [true, false, false],
      );
    });

    test('down reverts the newest applied migrations', async () => {
      const db = getDb();
      await reset(db);
      let tick = 0;
      const clock = { now: () => new Date(Date.UTC(2025, 0, 1) + 1000 * tick++) };
      const log: string[] = [];
      const migrator = new Migrator(db, [createTable('1_a', 'm_a', log), createTable('2_b', 'm_b', log)], { clock });
      await migrator.up();
      assert.deepEqual(await migrator.down(), ['2_b']);
      assert.equal(await db.tableExists('m_b'), false);
      assert.equal(await db.tableExists('m_a'), true);
      assert.deepEqual(await migrator.down(5), ['1_a']);
      assert.deepEqual(log, ['up 1_a', 'up 2_b', 'down 2_b', 'down 1_a']);
      assert.deepEqual(await db.all('SELECT file FROM _migrations'), []);
    });

    test('concurrent runners apply each migration once', async () => {
      const db = getDb();
      await reset(db);
      const log: string[] = [];
      const list = [createTable('1_a', 'm_a', log), createTable('2_b', 'm_b', log)];
      const [first, second] = await Promise.all([new Migrator(db, list).up(), new Migrator(db, list).up()]);
      assert.deepEqual([...(first ?? []), ...(second ?? [])].sort(), ['1_a', '2_b']);
      assert.deepEqual(log.sort(), ['up 1_a', 'up 2_b']);
    });

    test('rejects duplicate names', () => {
      assert.throws(() => new Migrator(getDb(), [createTable('x', 'm_a'), createTable('x', 'm_b')]), /duplicate/);
    });
  },
  { title: 'Migrator' },
);
