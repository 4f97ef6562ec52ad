// Runs registered jobs on their cron schedules, at most once per minute per job across
// every node that shares a CronLease. Time comes from the injected clock and the timer
// seam, so tests call tick() directly instead of waiting for real minutes.
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import { AppError, notFound } from '../errors/index.js';
import { parseCron, type CronExpression } from './expression.js';

const MINUTE_MS = 60_000;

export type CronJobFn = () => unknown;

/** Decides which node runs a job's tick when several share one database. */
export interface CronLease {
  /** Resolves true for exactly one caller per (job, minute); only that caller runs the tick. */
  claim(jobId: string, tickMinute: Date): Promise<boolean>;
}

/** A lease for a single node: every tick is ours. */
export const soloCronLease: CronLease = { claim: () => Promise.resolve(true) };

/** setTimeout/clearTimeout, replaceable in tests. */
export interface CronTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemTimers: CronTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface CronSchedulerOptions {
  clock: Clock;
  logger: Logger;
  /** Default: soloCronLease (right for SQLite, where one process owns the database). */
  lease?: CronLease;
  timers?: CronTimers;
}

interface Job {
  readonly id: string;
  readonly schedule: CronExpression;
  readonly fn: CronJobFn;
}

export class CronScheduler {
  private readonly jobs = new Map<string, Job>();
  /**
   * Runs in progress per job id (scheduled or manual). Kept by id, not on the job, so a run
   * of a job that was since replaced still keeps the next tick from overlapping it.
   */
  private readonly activeRuns = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly lease: CronLease;
  private readonly timers: CronTimers;
  private timer: unknown = null;
  /** The tick the timer started last, so whenIdle() also covers runs it has yet to start. */
  private timerTick: Promise<unknown> = Promise.resolve();
  /** The last minute (ms since epoch) ticked: a minute is never ticked twice or replayed. */
  private lastTickMinute = -Infinity;

  constructor(options: CronSchedulerOptions) {
    this.clock = options.clock;
    this.logger = options.logger;
    this.lease = options.lease ?? soloCronLease;
    this.timers = options.timers ?? systemTimers;
  }

  /** Registers a job, replacing any job with the same id. Throws on an empty id or a bad expression. */
  add(id: string, expression: string, fn: CronJobFn): void {
    if (id.trim() === '') throw new AppError('bad_request', 'A cron job needs a non-empty id.');
    this.jobs.set(id, { id, schedule: parseCron(expression), fn });
  }

  remove(id: string): void {
    this.jobs.delete(id);
  }

  /** Every registered job, sorted by id. */
  list(): { id: string; expression: string }[] {
    return [...this.jobs.values()]
      .map((job) => ({ id: job.id, expression: job.schedule.source }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * Runs a job now, on this node, without a lease; resolves when it is done and rejects
   * with the job's own error so the caller can report it.
   */
  async run(id: string): Promise<void> {
    const job = this.jobs.get(id);
    if (!job) throw notFound('Missing or invalid cron job.');
    this.countRun(id, 1);
    try {
      await job.fn();
    } finally {
      this.countRun(id, -1);
    }
  }

  /**
   * Starts the jobs due in the minute `now` falls in, and resolves once each has been
   * claimed (or not) and started; `whenIdle()` waits for them to finish. A minute at or
   * before the last one ticked is ignored, so after a pause only the current minute runs.
   * Returns the ids of the jobs started.
   */
  async tick(now: Date): Promise<string[]> {
    const minute = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS;
    if (minute <= this.lastTickMinute) return [];
    this.lastTickMinute = minute;
    const tickMinute = new Date(minute);
    const due = [...this.jobs.values()].filter((job) => job.schedule.matches(tickMinute));
    const started = await Promise.all(due.map((job) => this.dispatch(job, tickMinute)));
    return due.filter((_, i) => started[i]).map((job) => job.id);
  }

  /** Resolves when every scheduled run started so far (by tick() or the timer) has finished. */
  async whenIdle(): Promise<void> {
    await this.timerTick;
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  /** Ticks at the start of every minute until stop(). */
  start(): void {
    if (this.timer !== null) return;
    this.scheduleNextTick();
  }

  /** Stops ticking, then waits for the runs in progress to finish. */
  async stop(): Promise<void> {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    await this.whenIdle();
  }

  private scheduleNextTick(): void {
    const now = this.clock.now().getTime();
    const nextMinute = Math.floor(now / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
    this.timer = this.timers.setTimeout(() => {
      if (this.timer === null) return;
      this.timerTick = this.tick(this.clock.now()).catch((err: unknown) => this.logger.error({ err }, 'cron tick failed'));
      this.scheduleNextTick();
    }, nextMinute - now);
  }

  private async dispatch(job: Job, tickMinute: Date): Promise<boolean> {
    if ((this.activeRuns.get(job.id) ?? 0) > 0) {
      this.logger.warn({ job: job.id, tick: tickMinute.toISOString() }, 'cron job skipped: its previous run is still going');
      return false;
    }
    this.countRun(job.id, 1);
    let claimed = false;
    try {
      claimed = await this.lease.claim(job.id, tickMinute);
    } catch (err) {
      this.logger.error({ err, job: job.id }, 'cron lease claim failed; tick not run');
    }
    if (!claimed) {
      this.countRun(job.id, -1);
      return false;
    }
    const running = this.execute(job, tickMinute);
    this.inFlight.add(running);
    void running.finally(() => this.inFlight.delete(running));
    return true;
  }

  /** Never rejects: a failing job is logged and the scheduler carries on. */
  private async execute(job: Job, tickMinute: Date): Promise<void> {
    try {
      await job.fn();
    } catch (err) {
      this.logger.error({ err, job: job.id, tick: tickMinute.toISOString() }, 'cron job failed');
    } finally {
      this.countRun(job.id, -1);
    }
  }

  private countRun(id: string, delta: 1 | -1): void {
    const count = (this.activeRuns.get(id) ?? 0) + delta;
    if (count > 0) this.activeRuns.set(id, count);
    else this.activeRuns.delete(id);
  }
}
