import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import pino from 'pino';
import { CronSyntaxError } from './expression.js';
import { CronScheduler, type CronLease, type CronTimers } from './scheduler.js';

interface LogLine {
  level: number;
  msg: string;
  job?: string;
}

function capturingLogger() {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as LogLine);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

/** A lease that records every claim and answers from a script (default: granted). */
class RecordingLease implements CronLease {
  readonly claims: { jobId: string; tick: string }[] = [];
  constructor(private readonly answer: (jobId: string) => boolean | Promise<boolean> = () => true) {}
  async claim(jobId: string, tickMinute: Date): Promise<boolean> {
    this.claims.push({ jobId, tick: tickMinute.toISOString() });
    return this.answer(jobId);
  }
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function setup(options: { lease?: CronLease; now?: string; timers?: CronTimers } = {}) {
  let now = new Date(options.now ?? '2026-03-04T05:06:00Z');
  const clock = { now: () => now };
  const { logger, lines } = capturingLogger();
  const lease = options.lease ?? new RecordingLease();
  const scheduler = new CronScheduler({ clock, logger, lease, ...(options.timers ? { timers: options.timers } : {}) });
  return { scheduler, lines, lease, setNow: (iso: string) => (now = new Date(iso)) };
}

describe('CronScheduler registry', () => {
  test('list is sorted by id and add replaces an existing id', () => {
    const { scheduler } = setup();
    scheduler.add('b', '@daily', () => {});
    scheduler.add('a', '*/5 * * * *', () => {});
    scheduler.add('b', '@hourly', () => {});
    assert.deepEqual(scheduler.list(), [
      { id: 'a', expression: '*/5 * * * *' },
      { id: 'b', expression: '@hourly' },
    ]);
    scheduler.remove('a');
    assert.deepEqual(scheduler.list(), [{ id: 'b', expression: '@hourly' }]);
  });

  test('add refuses an empty id and a bad expression, leaving the registry as it was', () => {
    const { scheduler } = setup();
    assert.throws(() => scheduler.add('', '* * * * *', () => {}), { code: 'bad_request' });
    assert.throws(() => scheduler.add('  ', '* * * * *', () => {}), { code: 'bad_request' });
    assert.throws(() => scheduler.add('x', '61 * * * *', () => {}), CronSyntaxError);
    assert.deepEqual(scheduler.list(), []);
  });
});

describe('CronScheduler.tick', () => {
  test('runs only the jobs due in that minute, each after a lease claim for that minute', async () => {
    const lease = new RecordingLease();
    const { scheduler } = setup({ lease });
    const ran: string[] = [];
    scheduler.add('every', '* * * * *', () => void ran.push('every'));
    scheduler.add('at7', '7 * * * *', () => void ran.push('at7'));
    scheduler.add('hourly', '@hourly', () => void ran.push('hourly'));
    assert.deepEqual((await scheduler.tick(new Date('2026-03-04T05:07:42Z'))).sort(), ['at7', 'every']);
    await scheduler.whenIdle();
    assert.deepEqual(ran.sort(), ['at7', 'every']);
    assert.deepEqual(
      lease.claims.sort((a, b) => a.jobId.localeCompare(b.jobId)),
      [
        { jobId: 'at7', tick: '2026-03-04T05:07:00.000Z' },
        { jobId: 'every', tick: '2026-03-04T05:07:00.000Z' },
      ],
    );
  });

  test('a tick whose lease is refused does not run', async () => {
    const lease = new RecordingLease((id) => id !== 'other-node-has-it');
    const { scheduler } = setup({ lease });
    const ran: string[] = [];
    scheduler.add('other-node-has-it', '* * * * *', () => void ran.push('a'));
    scheduler.add('ours', '* * * * *', () => void ran.push('b'));
    assert.deepEqual(await scheduler.tick(new Date('2026-03-04T05:07:00Z')), ['ours']);
    await scheduler.whenIdle();
    assert.deepEqual(ran, ['b']);
    assert.equal(lease.claims.length, 2);
  });

  test('a lease that fails is logged and the tick is not run', async () => {
    const lease = new RecordingLease(() => Promise.reject(new Error('db down')));
    const { scheduler, lines } = setup({ lease });
    let runs = 0;
    scheduler.add('job', '* * * * *', () => void runs++);
    assert.deepEqual(await scheduler.tick(new Date('2026-03-04T05:07:00Z')), []);
    assert.equal(runs, 0);
    assert.ok(lines.some((l) => l.level === 50 && l.job === 'job' && /lease/.test(l.msg)));
  });

  test('a job still running at its next tick is skipped and the skip is logged', async () => {
    const { scheduler, lines, lease } = setup();
    const gate = deferred();
    let starts = 0;
    scheduler.add('slow', '* * * * *', async () => {
      starts++;
      await gate.promise;
    });
    assert.deepEqual(await scheduler.tick(new Date('2026-03-04T05:07:00Z')), ['slow']);
    assert.deepEqual(await scheduler.tick(new Date('2026-03-04T05:08:00Z')), []);
    assert.equal(starts, 1);
    assert.ok(lines.some((l) => l.level === 40 && l.job === 'slow' && /still going/.test(l.msg)));
    assert.equal((lease as RecordingLease).claims.length, 1, 'a skipped tick takes no lease');
    gate.resolve();
    await scheduler.whenIdle();
    assert.deepEqual(await scheduler.tick(new Date('2026-03-04T05:09:00Z')), ['slow']);
    await scheduler.whenIdle();
    assert.equal(starts, 2);
  });

  test('after a pause only the current minute runs; a minute is never ticked twice', async () => {
    const lease = new RecordingLease();
    const { scheduler } = setup({ lease });
    let runs = 0;
    scheduler.add('job', '* * * * *', () => void runs++);
    await scheduler.tick(new Date('2026-03-04T05:07:00Z'));
    await scheduler.tick(new Date('2026-03-04T05:07:59Z')); // same minute again
    await scheduler.tick(new Date('2026-03-04T05:20:30Z')); // 12 minutes missed
    await scheduler.tick(new Date('2026-03-04T05:19:00Z')); // a clock going back
    await scheduler.whenIdle();
    assert.equal(runs, 2);
    assert.deepEqual(
      lease.claims.map((c) => c.tick),
      ['2026-03-04T05:07:00.000Z', '2026-03-04T05:20:00.000Z'],
    );
  });

  test('a job that throws or rejects is logged and the others and later ticks go on', async () => {
    const { scheduler, lines } = setup();
    const ran: string[] = [];
    scheduler.add('throws', '* * * * *', () => {
      throw new Error('sync boom');
    });
    scheduler.add('rejects', '* * * * *', () => Promise.reject(new Error('async boom')));
    scheduler.add('fine', '* * * * *', () => void ran.push('fine'));
    await scheduler.tick(new Date('2026-03-04T05:07:00Z'));
    await scheduler.whenIdle();
    await scheduler.tick(new Date('2026-03-04T05:08:00Z'));
    await scheduler.whenIdle();
    assert.deepEqual(ran, ['fine', 'fine']);
    const failures = lines.filter((l) => l.level === 50 && l.msg === 'cron job failed').map((l) => l.job);
    assert.deepEqual(failures.sort(), ['rejects', 'rejects', 'throws', 'throws']);
  });

  test('replacing a running job still keeps its next tick from overlapping the old run', async () => {
    const { scheduler } = setup();
    const gate = deferred();
    scheduler.add('job', '* * * * *', () => gate.promise);
    await scheduler.tick(new Date('2026-03-04T05:07:00Z'));
    scheduler.add('job', '* * * * *', () => {});
    assert.deepEqual(await scheduler.tick(new Date('2026-03-04T05:08:00Z')), []);
    gate.resolve();
    await scheduler.whenIdle();
    assert.deepEqual(await scheduler.tick(new Date('2026-03-04T05:09:00Z')), ['job']);
  });
});

describe('CronScheduler.run', () => {
  test('runs now without a lease and resolves when the job is done', async () => {
    const lease = new RecordingLease(() => false);
    const { scheduler } = setup({ lease });
    let done = false;
    scheduler.add('job', '@yearly', async () => {
      await Promise.resolve();
      done = true;
    });
    await scheduler.run('job');
    assert.equal(done, true);
    assert.equal(lease.claims.length, 0);
  });

  test('an unknown id is not_found; a failing job rejects with its error', async () => {
    const { scheduler } = setup();
    await assert.rejects(scheduler.run('missing'), { code: 'not_found' });
    scheduler.add('bad', '@daily', () => Promise.reject(new Error('boom')));
    await assert.rejects(scheduler.run('bad'), /boom/);
  });

  test('a tick during a manual run of the same job is skipped', async () => {
    const { scheduler } = setup();
    const gate = deferred();
    scheduler.add('job', '* * * * *', () => gate.promise);
    const manual = scheduler.run('job');
    assert.deepEqual(await scheduler.tick(new Date('2026-03-04T05:07:00Z')), []);
    gate.resolve();
    await manual;
  });
});

describe('CronScheduler.start/stop', () => {
  test('waits for the next minute boundary, ticks the current minute, and stop clears the timer', async () => {
    const pending: { fn: () => void; ms: number; handle: number }[] = [];
    const cleared: unknown[] = [];
    const timers: CronTimers = {
      setTimeout: (fn, ms) => {
        const handle = pending.length + 1;
        pending.push({ fn, ms, handle });
        return handle;
      },
      clearTimeout: (handle) => void cleared.push(handle),
    };
    const lease = new RecordingLease();
    const { scheduler, setNow } = setup({ lease, timers, now: '2026-03-04T05:06:45.500Z' });
    let runs = 0;
    scheduler.add('job', '* * * * *', () => void runs++);
    scheduler.start();
    scheduler.start(); // idempotent
    assert.equal(pending.length, 1);
    assert.equal(pending[0]!.ms, 14_500);

    // The timer fires late (a blocked event loop): the minute it fires in is the one ticked.
    setNow('2026-03-04T05:09:00.250Z');
    pending[0]!.fn();
    await scheduler.whenIdle();
    assert.equal(runs, 1);
    assert.deepEqual(lease.claims.map((c) => c.tick), ['2026-03-04T05:09:00.000Z']);
    assert.equal(pending.length, 2);
    assert.equal(pending[1]!.ms, 59_750);

    await scheduler.stop();
    assert.deepEqual(cleared, [2]);
  });
});
