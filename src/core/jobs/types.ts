// The shapes of the job queue: what a job definition says, what an enqueue asks for, what a
// handler is given, and a job as stored.

export type JobState = 'pending' | 'running' | 'completed' | 'dead' | 'cancelled';

export const JOB_STATES: readonly JobState[] = ['pending', 'running', 'completed', 'dead', 'cancelled'];

/** What a handler is told about the run it is in. */
export interface JobContext {
  readonly id: string;
  readonly name: string;
  /** 1 on the first run, 2 on the first retry, … */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** Aborted when the run times out or the node stops: stop work and return (or throw). */
  readonly signal: AbortSignal;
}

export type JobHandler<P = unknown> = (payload: P, ctx: JobContext) => Promise<unknown> | unknown;

export interface JobOptions {
  /** Runs of this job at the same time on one node (default 4). */
  concurrency?: number;
  /** Runs in all before the job is dead (default 5). */
  attempts?: number;
  /**
   * Delay before retry n (1-based), in ms: a number is the base of an exponential backoff
   * (base · 2^(n-1), capped at an hour, with jitter); a function decides it (default 1000).
   */
  backoff?: number | ((retry: number) => number);
  /** A run taking longer is aborted and counts as failed (ms, default 300 000). */
  timeout?: number;
}

export interface EnqueueOptions {
  /** Run no sooner than this many ms from now. */
  delay?: number;
  /** Run no sooner than this time (wins over `delay`). */
  runAt?: Date;
  /** Higher runs first among due jobs (default 0). */
  priority?: number;
  /**
   * Enqueueing again with the same key (for the same job name) returns the job already
   * there instead of adding one, for as long as that job is kept (completed jobs are pruned).
   */
  uniqueKey?: string;
}

/** A job as stored, with times as epoch milliseconds. */
export interface JobRow {
  id: string;
  name: string;
  payload: string;
  state: JobState;
  priority: number;
  runAt: number;
  attempts: number;
  maxAttempts: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  uniqueKey: string | null;
  lastError: string | null;
  created: number;
  updated: number;
  finishedAt: number | null;
}

export type AttemptOutcome = 'completed' | 'failed' | 'timeout' | 'lost' | 'interrupted';

export interface JobAttemptRow {
  jobId: string;
  attempt: number;
  worker: string;
  started: number;
  finished: number;
  outcome: AttemptOutcome;
  error: string | null;
}
