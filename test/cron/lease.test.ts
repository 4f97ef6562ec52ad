// DatabaseCronLease on both engines: a (job, minute) is claimed once, whoever asks, and two
// schedulers on one database run a shared job's tick exactly once between them.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import pino from 'pino';
import { CRON_TICKS_TABLE, CronScheduler, DatabaseCronLease } from '../../src/core/cron/index.js';
import { openPostgres } from '../../src/db/postgres/index.js';
import { openSqlite } from '../../src/db/sqlite/index.js';
import { openTestDatabase, TEST_DIALECTS, type TestDatabase } from '../../src/db/testing.js';
import type { Database } from '../../src/db/types.js';

const logger = pino({ level: 'silent' });
const MINUTE_MS = 60_000;
const T0 = new Date('2026-03-04T05:07:00Z');
const plus = (minutes: number) => new Date(T0.getTime() + minutes * MINUTE_MS);

/** A second, independent connection to the same database: another node, as far as the lease can tell. */
function openSecondHandle(test: TestDatabase): Promise<Database> {
  if (test.dialect === 'postgres') return openPostgres({ url: test.url!, max: 2 });
  return openSqlite({ file: join(test.dir!, 'data.db') });
}

async function withTwoNodes(dialect: TestDatabase['dialect'], body: (a: Database, b: Database) => Promise<void>) {
  const test = await openTestDatabase(dialect);
  const second = await openSecondHandle(test);
  try {
    await body(test.db, second);
  } finally {
    await second.close();
    await test.cleanup();
  }
}

async function tickRows(db: Database): Promise<{ job: string; tick: number }[]> {
  const q = db.dialect.quoteIdent;
  const rows = await db.all<{ job: string; tick: number | string }>(
    `SELECT ${q('job')}, ${q('tick')} FROM ${q(CRON_TICKS_TABLE)} ORDER BY ${q('job')}, ${q('tick')}`,
  );
  return rows.map((r) => ({ job: r.job, tick: Number(r.tick) }));
}

for (const dialect of TEST_DIALECTS) {
  describe(`DatabaseCronLease [${dialect}]`, () => {
    test('creates its table and grants each (job, minute) once', async () => {
      await withTwoNodes(dialect, async (db) => {
        const lease = new DatabaseCronLease(db);
        assert.equal(await lease.claim('a', T0), true);
        assert.equal(await lease.claim('a', T0), false);
        assert.equal(await new DatabaseCronLease(db).claim('a', new Date(T0.getTime() + 59_000)), false, 'same minute');
        assert.equal(await lease.claim('a', plus(1)), true);
        assert.equal(await lease.claim('b', T0), true);
        const t0 = T0.getTime() / MINUTE_MS;
        assert.deepEqual(await tickRows(db), [
          { job: 'a', tick: t0 },
          { job: 'a', tick: t0 + 1 },
          { job: 'b', tick: t0 },
        ]);
      });
    });

    test('two schedulers on one database run a shared tick exactly once in total', async () => {
      await withTwoNodes(dialect, async (dbA, dbB) => {
        const runs: string[] = [];
        const nodes = [dbA, dbB].map((db, i) => {
          const scheduler = new CronScheduler({ clock: { now: () => T0 }, logger, lease: new DatabaseCronLease(db) });
          scheduler.add('shared', '* * * * *', () => void runs.push(`node${i}`));
          return scheduler;
        });
        // Both nodes start with no table: creating it at once must not fail either of them.
        for (let minute = 0; minute < 5; minute++) {
          const started = await Promise.all(nodes.map((node) => node.tick(plus(minute))));
          assert.equal(started.flat().length, 1, `minute ${minute}: one node runs it`);
        }
        await Promise.all(nodes.map((node) => node.whenIdle()));
        assert.equal(runs.length, 5);
      });
    });

    test('deletes rows older than a day now and then', async () => {
      await withTwoNodes(dialect, async (db) => {
        const lease = new DatabaseCronLease(db);
        await lease.claim('job', T0);
        await lease.claim('job', plus(1));
        // A day and a minute later: T0 is older than a day, T0+1 is exactly a day old.
        await lease.claim('job', plus(24 * 60 + 1));
        const t0 = T0.getTime() / MINUTE_MS;
        assert.deepEqual(
          (await tickRows(db)).map((r) => r.tick - t0),
          [1, 24 * 60 + 1],
        );
      });
    });

    test('a failing prune does not fail the claim it follows', async () => {
      await withTwoNodes(dialect, async (db) => {
        // The real database, except that deleting old claims fails.
        const failingDeletes = new Proxy(db, {
          get(target, prop, receiver) {
            if (prop === 'run') {
              return (sql: string, params?: never[]) =>
                sql.startsWith('DELETE') ? Promise.reject(new Error('disk full')) : target.run(sql, params);
            }
            const value: unknown = Reflect.get(target, prop, receiver);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
        const lease = new DatabaseCronLease(failingDeletes, logger);
        assert.equal(await lease.claim('job', T0), true);
        assert.equal(await lease.claim('job', T0), false);
      });
    });
  });
}
