// One node's worker: claims due jobs of the names defined here (up to each one's
// concurrency), runs them with a lease it keeps renewing, and records each outcome. It
// polls, and is also woken when this node enqueues or a run ends, so a queue with work
// drains without waiting for the next poll.
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import { randomString } from '../../lib/ids.js';
import { exponentialBackoff } from './backoff.js';
import { isGiveUp, isRetryLater } from './errors.js';
import type { Outcome, JobStore } from './store.js';
import type { JobHandler, JobRow } from './types.js';

export interface Definition {
  readonly name: string;
  readonly handler: JobHandler;
  readonly concurrency: number;
  readonly attempts: number;
  readonly backoff: (retry: number) => number;
  readonly timeout: number;
}

export interface WorkerSettings {
  /** How often the queue is looked at when nothing woke the worker (ms). */
  readonly pollMs: number;
  /** How long a claim holds without renewal; a dead node's jobs run again after it (ms). */
  readonly leaseMs: number;
  /** On stop, how long running jobs may take to finish before they are aborted (ms). */
  readonly graceMs: number;
}

export interface WorkerDeps {
  readonly store: JobStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly definitions: () => Iterable<Definition>;
  /** True when no other node can hold leases on this database (SQLite). */
  readonly soleNode: boolean;
  /** Told of a job that went dead because its last run was lost (no handler saw the end). */
  readonly abandoned: (job: JobRow) => Promise<void>;
  /** Moves staged jobs into the queue (normally done after each commit; here for those left over). */
  readonly moveStaged: () => Promise<void>;
}

interface Run {
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

export function backoffFor(option: number | ((retry: number) => number) | undefined): (retry: number) => number {
  if (typeof option === 'function') return option;
  const base = option ?? 1000;
  return (retry) => exponentialBackoff(base, retry);
}

/** What the race between a run and its time limit yields when the limit wins (no handler can return it). */
const TIMED_OUT = Symbol('timed out');
/** Likewise when the node stopped and the grace period ran out. */
const STOPPED = Symbol('stopped');

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message || err.name : String(err);
}

export class JobWorker {
  readonly owner = `${hostname()}:${process.pid}:${randomString(6)}`;
  private readonly active = new Map<string, number>();
  private readonly runs = new Set<Run>();
  private pollTimer: NodeJS.Timeout | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private claiming = false;
  private scheduled = false;
  /** The claim round under way, which `stop` lets finish so that nothing it claims is left unrun. */
  private round: Promise<void> | null = null;
  /** The names some wake-up asked to look at since the last look. */
  private wanted: Set<string> | 'all' = 'all';
  private lastReclaim = -Infinity;
  private lastFullRound = -Infinity;
  private stopped = true;

  constructor(
    private readonly deps: WorkerDeps,
    private readonly settings: WorkerSettings,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    if (this.deps.soleNode) await this.deps.store.expireAllLeases(this.now());
    this.renewTimer = setInterval(() => this.renew(), Math.max(50, Math.floor(this.settings.leaseMs / 3)));
    this.renewTimer.unref();
    this.kick();
  }

  /**
   * Looks for due jobs of `name` (every name when absent) soon. Wake-ups arriving together —
   * many commits, many runs ending — are served by one look, on the next turn of the event
   * loop or after the look already under way.
   */
  kick(name?: string): void {
    if (this.stopped) return;
    if (name === undefined) this.wanted = 'all';
    else if (this.wanted !== 'all') this.wanted.add(name);
    if (this.claiming || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.runClaimRound();
    });
  }

  private runClaimRound(): void {
    if (this.stopped) return;
    // Under a steady stream of wake-ups for some names, the others are still looked at once per poll interval.
    const due = this.deps.clock.now().getTime() - this.lastFullRound >= this.settings.pollMs;
    const wanted = due ? 'all' : this.wanted;
    if (wanted === 'all') this.lastFullRound = this.deps.clock.now().getTime();
    this.wanted = new Set();
    this.claiming = true;
    this.round = this.claimRound(wanted)
      .catch((err: unknown) => this.deps.logger.warn({ err }, 'jobs: could not claim jobs'))
      .finally(() => {
        this.claiming = false;
        this.round = null;
        if (this.wanted === 'all' || this.wanted.size > 0) this.kick();
        else this.schedulePoll();
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    await this.round;
    const pending = [...this.runs];
    const grace = setTimeout(() => pending.forEach((run) => run.controller.abort(new Error('the node is stopping'))), this.settings.graceMs);
    await Promise.allSettled(pending.map((run) => run.done));
    clearTimeout(grace);
    // Leases are renewed until the last run ended, so a long grace period does not hand them to another node.
    if (this.renewTimer) clearInterval(this.renewTimer);
  }

  private schedulePoll(): void {
    if (this.stopped) return;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => this.kick(), this.settings.pollMs);
    this.pollTimer.unref();
  }

  private now(): number {
    return this.deps.clock.now().getTime();
  }

  private async claimRound(wanted: Set<string> | 'all'): Promise<void> {
    // Lapsed leases, and staged jobs a crash or a failed move left, are looked for once per
    // poll interval, not on every wake-up.
    if (this.now() - this.lastReclaim >= this.settings.pollMs) {
      this.lastReclaim = this.now();
      // Not awaited: under a steady stream of writes the mover stays busy, and claims must go on.
      void this.deps.moveStaged();
      for (const { job, dead } of await this.deps.store.reclaimExpired(this.lastReclaim)) {
        this.deps.logger.warn({ job: job.id, name: job.name, attempt: job.attempts, dead }, 'jobs: a run was lost (its worker stopped renewing the lease)');
        if (dead) await this.deps.abandoned(job).catch((err: unknown) => this.deps.logger.warn({ err, job: job.id }, 'jobs: a listener of abandoned jobs failed'));
      }
    }
    for (const def of this.deps.definitions()) {
      if (this.stopped) return;
      if (wanted !== 'all' && !wanted.has(def.name)) continue;
      const free = def.concurrency - (this.active.get(def.name) ?? 0);
      if (free <= 0) continue;
      const now = this.now();
      const claimed = await this.deps.store.claim(def.name, free, { owner: this.owner, until: now + this.settings.leaseMs, now });
      for (const job of claimed) this.launch(def, job);
    }
  }

  private launch(def: Definition, job: JobRow): void {
    this.active.set(def.name, (this.active.get(def.name) ?? 0) + 1);
    const controller = new AbortController();
    const run: Run = {
      controller,
      done: this.execute(def, job, controller).finally(() => {
        this.runs.delete(run);
        this.active.set(def.name, (this.active.get(def.name) ?? 1) - 1);
        this.kick(def.name);
      }),
    };
    this.runs.add(run);
  }

  private async execute(def: Definition, job: JobRow, controller: AbortController): Promise<void> {
    const started = this.now();
    const outcome = await this.outcomeOf(def, job, controller);
    try {
      const kept = await this.deps.store.finish(job, { owner: this.owner, started, now: this.now() }, outcome);
      if (!kept) this.deps.logger.warn({ job: job.id, name: job.name }, 'jobs: a run ended after its lease was lost; its outcome was dropped');
    } catch (err) {
      // The lease runs out and the job runs again: at least once, never lost.
      this.deps.logger.error({ err, job: job.id, name: job.name }, 'jobs: could not record the outcome of a run');
    }
  }

  private async outcomeOf(def: Definition, job: JobRow, controller: AbortController): Promise<Outcome> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<typeof TIMED_OUT | typeof STOPPED>((resolve) => {
      timer = setTimeout(() => {
        controller.abort(new Error(`the run took longer than ${def.timeout} ms`));
        resolve(TIMED_OUT);
      }, def.timeout);
      // A handler that ignores its signal does not hold the node's stop past the grace period.
      controller.signal.addEventListener('abort', () => resolve(this.stopped ? STOPPED : TIMED_OUT), { once: true });
    });
    try {
      const context = { id: job.id, name: job.name, attempt: job.attempts, maxAttempts: job.maxAttempts, signal: controller.signal };
      const result = await Promise.race([Promise.resolve().then(() => def.handler(JSON.parse(job.payload), context)), timedOut]);
      if (result === STOPPED) return this.interrupted();
      if (result === TIMED_OUT) return this.failure(job, def, { error: new Error(`timed out after ${def.timeout} ms`), outcome: 'timeout' });
      return { outcome: 'completed', error: null };
    } catch (err) {
      if (this.stopped && controller.signal.aborted) return this.interrupted();
      return this.failure(job, def, { error: err, outcome: 'failed' });
    } finally {
      clearTimeout(timer);
    }
  }

  private interrupted(): Outcome {
    return { outcome: 'interrupted', error: 'the node stopped during the run', interrupted: true };
  }

  private failure(job: JobRow, def: Definition, failed: { error: unknown; outcome: 'failed' | 'timeout' }): Outcome {
    const error = messageOf(failed.error);
    const last = job.attempts >= job.maxAttempts || isGiveUp(failed.error);
    const fields = { job: job.id, name: job.name, attempt: job.attempts, error };
    if (last) {
      this.deps.logger.warn(fields, 'jobs: a job failed for the last time and is dead');
      return { outcome: failed.outcome, error };
    }
    const delay = this.stopped ? 0 : isRetryLater(failed.error) ? Math.max(0, failed.error.delayMs) : this.backoffOf(def, job.attempts);
    this.deps.logger.info({ ...fields, retryInMs: delay }, 'jobs: a job failed and will be retried');
    return { outcome: failed.outcome, error, retryAt: this.now() + delay };
  }

  /** The definition's delay before retry `retry`; a backoff function that throws or returns nonsense gets the default. */
  private backoffOf(def: Definition, retry: number): number {
    try {
      const delay = def.backoff(retry);
      if (Number.isFinite(delay) && delay >= 0) return delay;
    } catch (err) {
      this.deps.logger.warn({ err, name: def.name }, 'jobs: a backoff function failed; the default backoff is used');
    }
    return exponentialBackoff(1000, retry);
  }

  private renew(): void {
    if (this.runs.size === 0) return;
    this.deps.store
      .renew(this.owner, this.now() + this.settings.leaseMs)
      .catch((err: unknown) => this.deps.logger.warn({ err }, 'jobs: could not renew job leases'));
  }
}
