// The durable job queue: definitions live in each node's memory (code), jobs live in the
// primary database. A job enqueued through a transaction exists only if that transaction
// commits; workers on every node that defines a job's name share its runs.
import type { Logger } from 'pino';
import type { Database, Executor } from '../../db/types.js';
import type { Clock } from '../../lib/clock.js';
import { badRequest, notFound } from '../errors/index.js';
import { JobStore, type JobPageQuery, type NewJob } from './store.js';
import type { EnqueueOptions, JobAttemptRow, JobHandler, JobOptions, JobRow } from './types.js';
import { JobWorker, type WorkerSettings } from './worker.js';
import { JobDefinitions } from './definitions.js';

export interface JobQueueDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Runs `fn` once the transaction behind `exec` committed (at once for the database itself). */
  afterCommit(exec: Executor, fn: () => void): void;
  /** Definitions made before the queue existed (library mode); a fresh set otherwise. */
  definitions?: JobDefinitions;
}

/** Largest JSON payload accepted, in bytes: jobs carry references and small documents, not files. */
export const MAX_PAYLOAD_BYTES = 1 << 20;
/** Staged jobs moved into the queue per transaction. */
const STAGED_BATCH = 500;

export class JobQueue {
  readonly store: JobStore;
  readonly definitions: JobDefinitions;
  private worker: JobWorker | null = null;
  private moving: Promise<void> | null = null;
  private moveAgain = false;
  /** Passes of the mover started so far, and the callers waiting for a given pass to end. */
  private movePassesStarted = 0;
  private moveWaiters: { pass: number; done: () => void }[] = [];
  private readonly abandonedListeners = new Map<string, (payload: unknown, job: JobRow) => Promise<void>>();

  constructor(private readonly deps: JobQueueDeps) {
    this.store = new JobStore(deps.db);
    this.definitions = deps.definitions ?? new JobDefinitions();
    this.definitions.onDefine = () => this.worker?.kick();
  }

  isDefined(name: string): boolean {
    return this.definitions.get(name) !== undefined;
  }

  /**
   * Listens for jobs of `name` that went dead because their last run was lost (the worker
   * died): their handler never saw the end, so whatever it records about failures is told here.
   */
  onAbandoned(name: string, listener: (payload: unknown, job: JobRow) => Promise<void>): void {
    this.abandonedListeners.set(name, listener);
  }

  /** Shorthand for `definitions.define`. */
  define<P = unknown>(name: string, handler: JobHandler<P>, options?: JobOptions): () => void {
    return this.definitions.define(name, handler, options);
  }

  /**
   * Adds a job. Through a transaction's `exec` it commits or rolls back with that
   * transaction's other writes. A `uniqueKey` already held returns that job's id.
   */
  async enqueue(name: string, payload: unknown, options: EnqueueOptions = {}, exec: Executor = this.deps.db): Promise<{ id: string; created: boolean }> {
    const { job, now } = this.newJob(name, payload, options);
    const result = await this.store.insert(exec, { ...job, uniqueKey: options.uniqueKey ?? null }, now);
    if (result.created && job.runAt <= now) this.deps.afterCommit(exec, () => this.worker?.kick(name));
    return result;
  }

  /**
   * Adds a job, due now, that nobody looks up before it runs (a webhook delivery): where the
   * engine stages jobs (SQLite, see schema.ts) it is staged through `exec` and moved into the
   * queue once the transaction committed; elsewhere it is enqueued. Until it moved, it is not
   * listed by `list` or found by `view`.
   */
  async enqueueStaged(name: string, payload: unknown, exec: Executor = this.deps.db): Promise<void> {
    if (!this.store.stages) {
      await this.enqueue(name, payload, {}, exec);
      return;
    }
    const { job, now } = this.newJob(name, payload, {});
    await this.store.stage(exec, job, now);
    this.deps.afterCommit(exec, () => void this.moveStaged());
  }

  /**
   * Moves staged jobs into the queue and wakes the worker for them. Calls while a move is
   * under way are served by one more pass of it, so the commits of a busy moment share
   * transactions. The promise resolves at the end of the first pass that started after the
   * call (so what was staged before it has moved, unless that pass failed), however long
   * later writes keep the mover busy.
   */
  moveStaged(): Promise<void> {
    const pass = this.movePassesStarted + 1;
    this.moveAgain = true;
    const done = new Promise<void>((resolve) => this.moveWaiters.push({ pass, done: resolve }));
    this.moving ??= this.movePasses();
    return done;
  }

  private async movePasses(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.moveAgain) {
        this.moveAgain = false;
        const pass = ++this.movePassesStarted;
        try {
          let batch: { moved: number; names: Set<string> };
          do {
            batch = await this.store.moveStaged(this.deps.clock.now().getTime(), STAGED_BATCH);
            for (const name of batch.names) this.worker?.kick(name);
          } while (batch.moved === STAGED_BATCH);
        } catch (err) {
          // Left staged, they move on the worker's next look (every poll interval).
          this.deps.logger.warn({ err }, 'jobs: could not move staged jobs into the queue');
        }
        this.settleMoveWaiters(pass);
      }
    } finally {
      // Cleared in the same turn as the last check, so a later call starts a pass of its own.
      this.moving = null;
    }
  }

  private settleMoveWaiters(finishedPass: number): void {
    const waiting: typeof this.moveWaiters = [];
    for (const waiter of this.moveWaiters) {
      if (waiter.pass <= finishedPass) waiter.done();
      else waiting.push(waiter);
    }
    this.moveWaiters = waiting;
  }

  private newJob(name: string, payload: unknown, options: EnqueueOptions): { job: Omit<NewJob, 'uniqueKey'>; now: number } {
    const definition = this.definitions.get(name);
    if (!definition) throw new Error(`job "${name}" is not defined (define it with jobs.define before enqueueing)`);
    const json = JSON.stringify(payload ?? null);
    if (json === undefined) throw new Error(`job "${name}": the payload cannot be written as JSON`);
    if (Buffer.byteLength(json) > MAX_PAYLOAD_BYTES) throw new Error(`job "${name}": the payload is larger than ${MAX_PAYLOAD_BYTES} bytes`);
    const now = this.deps.clock.now().getTime();
    const runAt = options.runAt ? options.runAt.getTime() : now + Math.max(0, options.delay ?? 0);
    if (!Number.isFinite(runAt)) throw new Error(`job "${name}": runAt or delay is not a valid time`);
    const priority = options.priority ?? 0;
    if (!Number.isInteger(priority)) throw new Error(`job "${name}": priority must be an integer`);
    return { job: { name, payload: json, runAt, priority, maxAttempts: definition.attempts }, now };
  }

  /** Starts this node's worker (idempotent). */
  async start(settings: WorkerSettings): Promise<void> {
    if (this.worker) return;
    const worker = new JobWorker(
      {
        store: this.store,
        clock: this.deps.clock,
        logger: this.deps.logger,
        definitions: () => this.definitions.values(),
        soleNode: this.deps.db.dialect.name === 'sqlite',
        abandoned: async (job) => this.abandonedListeners.get(job.name)?.(JSON.parse(job.payload), job),
        moveStaged: () => this.moveStaged(),
      },
      settings,
    );
    this.worker = worker;
    await worker.start();
  }

  /** Stops claiming; running jobs get the grace period, then are aborted (and retried later). */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.stop();
    await this.moving;
  }

  async view(id: string): Promise<{ job: JobRow; attempts: JobAttemptRow[] } | null> {
    const job = await this.store.find(id);
    return job ? { job, attempts: await this.store.attempts(id) } : null;
  }

  list(query: JobPageQuery): Promise<{ items: JobRow[]; totalItems: number }> {
    return this.store.page(query);
  }

  async retry(id: string): Promise<void> {
    await this.changeState(id, 'retry', 'Only a dead job can be retried.');
    this.worker?.kick();
  }

  async cancel(id: string): Promise<void> {
    await this.changeState(id, 'cancel', 'Only a pending job can be cancelled.');
  }

  private async changeState(id: string, change: 'retry' | 'cancel', refusal: string): Promise<void> {
    const now = this.deps.clock.now().getTime();
    const changed = change === 'retry' ? await this.store.retry(id, now) : await this.store.cancel(id, now);
    if (!changed && (await this.store.find(id))) throw badRequest(refusal);
    if (!changed) throw notFound();
  }
}
