// The queue against a real database on both engines: transactional enqueue, unique keys,
// runs and their outcomes, retries, timeouts, leases that lapse, concurrency, priorities.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { forEachDialect } from '../../db/testing.js';
import type { Database } from '../../db/types.js';
import { systemClock } from '../../lib/clock.js';
import { GiveUpError, RetryLaterError } from './errors.js';
import { JobQueue } from './queue.js';
import { installJobOutbox, installJobTables, JOB_OUTBOX_TABLE, JOBS_TABLE } from './schema.js';
import type { JobContext, JobRow } from './types.js';

const logger = pino({ level: 'silent' });
const SETTINGS = { pollMs: 20, leaseMs: 2000, graceMs: 1000 };

function newQueue(db: Database): JobQueue {
  return new JobQueue({ db, clock: systemClock, logger, afterCommit: (_exec, fn) => setImmediate(fn) });
}

/** Polls until `check` holds (bounded: a broken queue fails the test instead of hanging it). */
async function eventually<T>(what: string, check: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function stateOf(queue: JobQueue, id: string, state: JobRow['state']): Promise<JobRow> {
  return eventually(`job ${id} ${state}`, async () => {
    const job = await queue.store.find(id);
    return job?.state === state ? job : undefined;
  });
}

forEachDialect(
  (dialect, getDb) => {
    let tablesReady = false;
    const fresh = async (): Promise<{ db: Database; queue: JobQueue }> => {
      const db = getDb();
      if (!tablesReady) {
        await db.transaction(async (tx) => {
          await installJobTables(tx);
          await installJobOutbox(tx);
        });
        tablesReady = true;
      }
      await db.run(`DELETE FROM "${JOBS_TABLE}"`);
      if (dialect === 'sqlite') await db.run(`DELETE FROM "${JOB_OUTBOX_TABLE}"`);
      return { db, queue: newQueue(db) };
    };

    test('a job enqueued in a transaction exists only if it commits', async () => {
      const { db, queue } = await fresh();
      queue.define('mail', () => {});
      const kept = await db.transaction((tx) => queue.enqueue('mail', { to: 'a' }, {}, tx));
      await assert.rejects(
        db.transaction(async (tx) => {
          await queue.enqueue('mail', { to: 'b' }, {}, tx);
          throw new Error('roll back');
        }),
        /roll back/,
      );
      const rows = await db.all<JobRow>(`SELECT * FROM "${JOBS_TABLE}"`);
      assert.deepEqual(rows.map((r) => [r.id, JSON.parse(r.payload)]), [[kept.id, { to: 'a' }]]);
    });

    test('a unique key returns the job already holding it', async () => {
      const { queue } = await fresh();
      queue.define('sync', () => {});
      const first = await queue.enqueue('sync', { n: 1 }, { uniqueKey: 'user-1' });
      const second = await queue.enqueue('sync', { n: 2 }, { uniqueKey: 'user-1' });
      const other = await queue.enqueue('sync', { n: 3 }, { uniqueKey: 'user-2' });
      assert.deepEqual([first.created, second.created, other.created], [true, false, true]);
      assert.equal(second.id, first.id);
      assert.notEqual(other.id, first.id);
      assert.deepEqual(JSON.parse((await queue.store.find(first.id))!.payload), { n: 1 });
    });

    test('refuses unknown names, bad payloads and bad definitions', async () => {
      const { queue } = await fresh();
      await assert.rejects(queue.enqueue('nobody', {}), /not defined/);
      queue.define('x', () => {});
      await assert.rejects(queue.enqueue('x', { big: 'a'.repeat(1 << 20) }), /larger than/);
      await assert.rejects(queue.enqueue('x', {}, { priority: 1.5 }), /priority/);
      assert.throws(() => queue.define('x', () => {}), /already defined/);
      assert.throws(() => queue.define('bad name', () => {}), /invalid job name/);
      assert.throws(() => queue.define('y', () => {}, { attempts: 0 }), /attempts/);
    });

    test('a staged job exists only if its transaction commits, and is in the queue once moved', async () => {
      const { db, queue } = await fresh();
      queue.define('notify', () => {});
      assert.equal(queue.store.stages, dialect === 'sqlite', 'only SQLite stages');
      await db.transaction(async (tx) => {
        await queue.enqueueStaged('notify', { n: 1 }, tx);
        await queue.enqueueStaged('notify', { n: 2 }, tx);
      });
      await assert.rejects(
        db.transaction(async (tx) => {
          await queue.enqueueStaged('notify', { n: 3 }, tx);
          throw new Error('roll back');
        }),
        /roll back/,
      );
      await queue.moveStaged();
      const rows = await db.all<JobRow>(`SELECT * FROM "${JOBS_TABLE}" ORDER BY "created", "payload"`);
      assert.deepEqual(rows.map((r) => [r.name, r.state, JSON.parse(r.payload), Number(r.attempts)]), [
        ['notify', 'pending', { n: 1 }, 0],
        ['notify', 'pending', { n: 2 }, 0],
      ]);
      if (dialect === 'sqlite') assert.deepEqual(await db.all(`SELECT * FROM "${JOB_OUTBOX_TABLE}"`), []);
      await assert.rejects(queue.enqueueStaged('unknown', {}), /not defined/);
    });

    test('staged jobs past one batch all move; ones no commit moved (a crash) are moved by the worker and run', async () => {
      const { db, queue } = await fresh();
      const ran: number[] = [];
      queue.define('count', (payload) => void ran.push((payload as { n: number }).n), { concurrency: 50 });
      await db.transaction(async (tx) => {
        for (let n = 0; n < 520; n++) await queue.enqueueStaged('count', { n }, tx);
      });
      await queue.moveStaged();
      assert.equal((await queue.list({ name: 'count', state: 'pending', page: 1, perPage: 1 })).totalItems, 520);
      if (queue.store.stages) {
        // Staged straight through the store: no commit hook moves it, as after a crash.
        await queue.store.stage(db, { name: 'count', payload: JSON.stringify({ n: 520 }), runAt: Date.now(), priority: 0, maxAttempts: 3 }, Date.now());
      } else {
        await queue.enqueue('count', { n: 520 });
      }
      await queue.start(SETTINGS);
      try {
        await eventually('all 521 ran', async () => ran.length >= 521);
        assert.deepEqual([...ran].sort((a, b) => a - b), Array.from({ length: 521 }, (_, n) => n));
      } finally {
        await queue.stop();
      }
    });

    test('jobs keep running while writes keep staging more (the mover never holds up claims)', async () => {
      const { db, queue } = await fresh();
      const ran = new Set<number>();
      queue.define('steady', (payload) => void ran.add((payload as { n: number }).n), { concurrency: 8 });
      await queue.start(SETTINGS);
      try {
        // Eight writers go on, as concurrent requests would, until 200
        // staged jobs have run; a bound stops a queue that runs nothing while writes keep coming.
        let n = 0;
        const deadline = Date.now() + 10_000;
        const writer = async () => {
          while (ran.size < 200 && Date.now() < deadline) {
            const mine = n++;
            await db.transaction(async (tx) => {
              await queue.enqueueStaged('steady', { n: mine }, tx);
              // Writes that wait on something (a password hash, a file) hold the writer a while.
              await new Promise((resolve) => setImmediate(resolve));
            });
          }
        };
        await Promise.all(Array.from({ length: 8 }, writer));
        assert.ok(ran.size >= 200, `only ${ran.size} of ${n} jobs ran while the writes went on`);
      } finally {
        await queue.stop();
      }
    });

    test('runs a job once with its payload and logs the completed attempt', async () => {
      const { queue } = await fresh();
      const seen: { payload: unknown; ctx: JobContext }[] = [];
      queue.define('greet', (payload, ctx) => void seen.push({ payload, ctx }));
      const { id } = await queue.enqueue('greet', { name: 'Ada' });
      await queue.start(SETTINGS);
      try {
        await stateOf(queue, id, 'completed');
        assert.equal(seen.length, 1);
        assert.deepEqual(seen[0]!.payload, { name: 'Ada' });
        assert.equal(seen[0]!.ctx.attempt, 1);
        assert.equal(seen[0]!.ctx.id, id);
        const attempts = await queue.store.attempts(id);
        assert.deepEqual(attempts.map((a) => [Number(a.attempt), a.outcome]), [[1, 'completed']]);
      } finally {
        await queue.stop();
      }
    });

    test('a failing job is retried with backoff, then dead with its last error', async () => {
      const { queue } = await fresh();
      const attempts: number[] = [];
      queue.define(
        'flaky',
        (_p, ctx) => {
          attempts.push(ctx.attempt);
          throw new Error(`boom ${ctx.attempt}`);
        },
        { attempts: 3, backoff: 5 },
      );
      const { id } = await queue.enqueue('flaky', null);
      await queue.start(SETTINGS);
      try {
        const dead = await stateOf(queue, id, 'dead');
        assert.deepEqual(attempts, [1, 2, 3]);
        assert.equal(dead.lastError, 'boom 3');
        assert.equal(Number(dead.attempts), 3);
        const log = await queue.store.attempts(id);
        assert.deepEqual(log.map((a) => [a.outcome, a.error]), [['failed', 'boom 1'], ['failed', 'boom 2'], ['failed', 'boom 3']]);
        // A dead job can be retried once more by hand; it then succeeds or dies again.
        await queue.retry(id);
        await stateOf(queue, id, 'dead');
        assert.deepEqual(attempts, [1, 2, 3, 4]);
      } finally {
        await queue.stop();
      }
    });

    test('RetryLaterError sets the next run; GiveUpError ends the job at once', async () => {
      const { queue } = await fresh();
      queue.define('later', () => {
        throw new RetryLaterError('busy', 60_000);
      });
      queue.define('hopeless', () => {
        throw new GiveUpError('no such account');
      });
      const before = Date.now();
      const later = await queue.enqueue('later', null);
      const hopeless = await queue.enqueue('hopeless', null);
      await queue.start(SETTINGS);
      try {
        const dead = await stateOf(queue, hopeless.id, 'dead');
        assert.equal(Number(dead.attempts), 1);
        assert.equal(dead.lastError, 'no such account');
        const waiting = await eventually('later retried', async () => {
          const job = await queue.store.find(later.id);
          return job && job.state === 'pending' && Number(job.attempts) === 1 ? job : undefined;
        });
        assert.ok(Number(waiting.runAt) >= before + 60_000, 'the retry waits for the delay asked for');
      } finally {
        await queue.stop();
      }
    });

    test('a run over its timeout is aborted through its signal and counts as failed', async () => {
      const { queue } = await fresh();
      let aborted = false;
      queue.define(
        'slow',
        (_p, ctx) =>
          new Promise<void>((resolve) => {
            ctx.signal.addEventListener('abort', () => {
              aborted = true;
              resolve();
            });
          }),
        { timeout: 50, attempts: 1 },
      );
      const { id } = await queue.enqueue('slow', null);
      await queue.start(SETTINGS);
      try {
        const dead = await stateOf(queue, id, 'dead');
        assert.match(dead.lastError ?? '', /timed out/);
        assert.equal(aborted, true);
        assert.deepEqual((await queue.store.attempts(id)).map((a) => a.outcome), ['timeout']);
      } finally {
        await queue.stop();
      }
    });

    test('a job whose worker stopped renewing its lease runs again, and the stale worker cannot record an outcome', async () => {
      const { queue } = await fresh();
      let runs = 0;
      queue.define('once', () => void runs++);
      const { id } = await queue.enqueue('once', null);
      // Another worker claims it and dies: its lease is already over.
      const now = Date.now();
      const [claimed] = await queue.store.claim('once', 1, { owner: 'ghost', until: now - 1, now });
      assert.equal(claimed?.id, id);
      await queue.start(SETTINGS);
      try {
        await stateOf(queue, id, 'completed');
        assert.equal(runs, 1);
        const log = await queue.store.attempts(id);
        assert.deepEqual(log.map((a) => [Number(a.attempt), a.outcome, a.worker]), [[1, 'lost', 'ghost'], [2, 'completed', log[1]!.worker]]);
        const stale = await queue.store.finish(claimed!, { owner: 'ghost', started: now, now: Date.now() }, { outcome: 'failed', error: 'late', retryAt: Date.now() });
        assert.equal(stale, false);
        assert.equal((await queue.store.find(id))!.state, 'completed');
      } finally {
        await queue.stop();
      }
    });

    test('a job whose last run was lost ends dead, and its listener is told', async () => {
      const { queue } = await fresh();
      let runs = 0;
      const told: unknown[] = [];
      queue.define('fragile', () => void runs++, { attempts: 1 });
      queue.onAbandoned('fragile', async (payload) => void told.push(payload));
      const { id } = await queue.enqueue('fragile', { order: 7 });
      const now = Date.now();
      await queue.store.claim('fragile', 1, { owner: 'ghost', until: now - 1, now });
      await queue.start(SETTINGS);
      try {
        const dead = await stateOf(queue, id, 'dead');
        assert.match(dead.lastError ?? '', /lease expired/);
        await eventually('listener told', async () => told.length === 1);
        assert.deepEqual(told, [{ order: 7 }]);
        assert.equal(runs, 0, 'no attempt was left to run it again');
      } finally {
        await queue.stop();
      }
    });

    test('a backoff function that throws falls back to the default; the job is retried', async () => {
      const { queue } = await fresh();
      let calls = 0;
      queue.define(
        'oddBackoff',
        () => {
          calls++;
          if (calls === 1) throw new Error('first try fails');
        },
        {
          backoff: () => {
            throw new Error('broken backoff');
          },
        },
      );
      const { id } = await queue.enqueue('oddBackoff', null);
      await queue.start(SETTINGS);
      try {
        const waiting = await eventually('retry scheduled', async () => {
          const job = await queue.store.find(id);
          return job && job.state === 'pending' && Number(job.attempts) === 1 ? job : undefined;
        });
        assert.equal(waiting.lastError, 'first try fails');
        assert.ok(Number(waiting.runAt) >= Number(waiting.updated) + 500, 'the default delay (1 s base, jittered) was used');
      } finally {
        await queue.stop();
      }
    });

    test('stopping the node interrupts a run that ignores its signal; the job gets that attempt back', async () => {
      const { queue } = await fresh();
      let started = false;
      queue.define(
        'stubborn',
        () => {
          started = true;
          return new Promise(() => {});
        },
        { attempts: 1 },
      );
      const { id } = await queue.enqueue('stubborn', null);
      await queue.start({ ...SETTINGS, graceMs: 50 });
      await eventually('running', async () => started);
      await queue.stop();
      const job = (await queue.store.find(id))!;
      assert.equal(job.state, 'pending');
      assert.equal(Number(job.maxAttempts), 2, 'the interrupted attempt does not count against the job');
      assert.deepEqual((await queue.store.attempts(id)).map((a) => a.outcome), ['interrupted']);
    });

    test('never more runs of a name at once than its concurrency; higher priority first', async () => {
      const { queue } = await fresh();
      let running = 0;
      let most = 0;
      const order: number[] = [];
      const release: (() => void)[] = [];
      queue.define(
        'limited',
        (payload: { n: number }) => {
          order.push(payload.n);
          running++;
          most = Math.max(most, running);
          return new Promise<void>((resolve) =>
            release.push(() => {
              running--;
              resolve();
            }),
          );
        },
        { concurrency: 2 },
      );
      const ids = [];
      for (let n = 0; n < 5; n++) ids.push((await queue.enqueue('limited', { n }, { priority: n === 4 ? 10 : 0 })).id);
      await queue.start(SETTINGS);
      try {
        for (let done = 0; done < 5; done++) {
          await eventually('a run waiting', async () => release.length > 0);
          assert.ok(running <= 2);
          release.shift()!();
        }
        for (const id of ids) await stateOf(queue, id, 'completed');
        assert.equal(most, 2);
        assert.equal(order[0], 4, 'the high-priority job was among the first claimed');
      } finally {
        await queue.stop();
      }
    });

    test('cancel stops a pending job; prune removes finished jobs past their retention', async () => {
      const { queue } = await fresh();
      let runs = 0;
      queue.define('later', () => void runs++);
      const { id } = await queue.enqueue('later', null, { delay: 60_000 });
      await queue.cancel(id);
      assert.equal((await queue.store.find(id))!.state, 'cancelled');
      await assert.rejects(queue.cancel(id), /Only a pending job/);
      await assert.rejects(queue.retry(id), /Only a dead job/);
      await assert.rejects(queue.cancel('missing'), (err: Error & { code?: string }) => err.code === 'not_found');
      assert.equal(await queue.store.prune({ done: Date.now() - 60_000, dead: 0 }), 0, 'a fresh cancellation is kept');
      assert.equal(await queue.store.prune({ done: Date.now() + 1, dead: 0 }), 1);
      assert.equal(await queue.store.find(id), undefined);
      assert.equal(runs, 0);
    });
  },
  { title: 'JobQueue' },
);
