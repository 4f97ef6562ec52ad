// The queue's SQL. Every state change of a running job is guarded by its lease owner, so a
// worker whose lease expired (and whose job another worker took over) cannot overwrite
// the newer run's outcome. Claims skip rows another node holds locked on PostgreSQL.
import type { Database, Executor, SqlValue } from '../../db/types.js';
import { newRecordId } from '../../lib/ids.js';
import { isStorableId } from '../records/repository.js';
import { JOB_ATTEMPTS_TABLE, JOB_OUTBOX_TABLE, JOBS_TABLE } from './schema.js';
import type { AttemptOutcome, JobAttemptRow, JobRow, JobState } from './types.js';

export interface NewJob {
  name: string;
  payload: string;
  runAt: number;
  priority: number;
  maxAttempts: number;
  uniqueKey: string | null;
}

export interface Outcome {
  outcome: AttemptOutcome;
  error: string | null;
  /** Set to retry: the job goes back to pending, due at this time. */
  retryAt?: number;
  /** The node stopped during the run: back to pending at once, the attempt not counted against the job. */
  interrupted?: boolean;
}

export interface JobPageQuery {
  state?: JobState;
  name?: string;
  page: number;
  perPage: number;
}

const JOBS = `"${JOBS_TABLE}"`;
const ATTEMPTS = `"${JOB_ATTEMPTS_TABLE}"`;
const OUTBOX = `"${JOB_OUTBOX_TABLE}"`;
/** Error texts are kept to this many characters (a stack trace is not what the list needs). */
const ERROR_LIMIT = 2000;

function clip(text: string | null): string | null {
  return text === null || text.length <= ERROR_LIMIT ? text : `${text.slice(0, ERROR_LIMIT)}…`;
}

export class JobStore {
  constructor(private readonly db: Database) {}

  /** Inserts a job (through `exec`, so inside the caller's transaction); a clashing unique key returns the existing id. */
  async insert(exec: Executor, job: NewJob, now: number): Promise<{ id: string; created: boolean }> {
    const id = newRecordId();
    const { changes } = await exec.run(
      `INSERT INTO ${JOBS} ("id", "name", "payload", "state", "priority", "runAt", "attempts", "maxAttempts", "uniqueKey", "created", "updated") ` +
        `VALUES (?, ?, ?, 'pending', ?, ?, 0, ?, ?, ?, ?)${job.uniqueKey === null ? '' : ` ON CONFLICT ("name", "uniqueKey") WHERE "uniqueKey" IS NOT NULL DO NOTHING`}`,
      [id, job.name, job.payload, job.priority, job.runAt, job.maxAttempts, job.uniqueKey, now, now],
    );
    if (changes === 1) return { id, created: true };
    const existing = await exec.get<{ id: string }>(`SELECT "id" FROM ${JOBS} WHERE "name" = ? AND "uniqueKey" = ?`, [job.name, job.uniqueKey]);
    if (!existing) throw new Error('job insert neither added a row nor found the one holding its unique key');
    return { id: existing.id, created: false };
  }

  /** Whether jobs are staged before they are queued on this engine (see schema.ts). */
  get stages(): boolean {
    return this.db.dialect.name === 'sqlite';
  }

  /** Appends a job without a unique key to the staging table (through `exec`, inside the caller's transaction). */
  async stage(exec: Executor, job: Omit<NewJob, 'uniqueKey'>, now: number): Promise<string> {
    const id = newRecordId();
    await exec.run(
      `INSERT INTO ${OUTBOX} ("id", "name", "payload", "priority", "runAt", "maxAttempts", "created") VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [id, job.name, job.payload, job.priority, job.runAt, job.maxAttempts, now],
    );
    return id;
  }

  /**
   * Moves up to `limit` staged jobs, oldest first, into the queue in one transaction (so a
   * crash moves all of them or none); resolves with how many moved and their names.
   */
  async moveStaged(now: number, limit: number): Promise<{ moved: number; names: Set<string> }> {
    const none = { moved: 0, names: new Set<string>() };
    if (!this.stages || !(await this.db.get(`SELECT "seq" FROM ${OUTBOX} LIMIT 1`))) return none;
    return this.db.transaction(async (tx) => {
      const last = await tx.get<{ seq: number | null }>(`SELECT MAX("seq") AS "seq" FROM (SELECT "seq" FROM ${OUTBOX} ORDER BY "seq" LIMIT ?)`, [limit]);
      if (last?.seq === null || last?.seq === undefined) return none;
      await tx.run(
        `INSERT INTO ${JOBS} ("id", "name", "payload", "state", "priority", "runAt", "attempts", "maxAttempts", "uniqueKey", "created", "updated") ` +
          `SELECT "id", "name", "payload", 'pending', "priority", "runAt", 0, "maxAttempts", NULL, "created", ? FROM ${OUTBOX} WHERE "seq" <= ? ORDER BY "seq"`,
        [now, last.seq],
      );
      const moved = await tx.all<{ name: string }>(`DELETE FROM ${OUTBOX} WHERE "seq" <= ? RETURNING "name"`, [last.seq]);
      return { moved: moved.length, names: new Set(moved.map((row) => row.name)) };
    });
  }

  /** Takes up to `limit` due jobs of `name` for `owner` until `leaseUntil`. */
  async claim(name: string, limit: number, lease: { owner: string; until: number; now: number }): Promise<JobRow[]> {
    const lock = this.db.dialect.name === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    const rows = await this.db.all<JobRow>(
      `UPDATE ${JOBS} SET "state" = 'running', "attempts" = "attempts" + 1, "leaseOwner" = ?, "leaseUntil" = ?, "updated" = ? ` +
        `WHERE "id" IN (SELECT "id" FROM ${JOBS} WHERE "state" = 'pending' AND "name" = ? AND "runAt" <= ? ` +
        `ORDER BY "priority" DESC, "runAt", "id" LIMIT ?${lock}) RETURNING *`,
      [lease.owner, lease.until, lease.now, name, lease.now, limit],
    );
    return rows.sort((a, b) => b.priority - a.priority || a.runAt - b.runAt || (a.id < b.id ? -1 : 1));
  }

  /** Extends the leases `owner` holds on running jobs. */
  async renew(owner: string, until: number): Promise<void> {
    await this.db.run(`UPDATE ${JOBS} SET "leaseUntil" = ? WHERE "leaseOwner" = ? AND "state" = 'running'`, [until, owner]);
  }

  /** Records how a run ended; false when the lease was lost meanwhile (the outcome is dropped). */
  async finish(job: JobRow, run: { owner: string; started: number; now: number }, result: Outcome): Promise<boolean> {
    const error = clip(result.error);
    let set: string;
    let params: SqlValue[];
    if (result.outcome === 'completed') {
      set = `"state" = 'completed', "finishedAt" = ?, "lastError" = NULL`;
      params = [run.now];
    } else if (result.interrupted) {
      // Stopped by its node, not failed: it gets the attempt back (as one more allowed).
      set = `"state" = 'pending', "runAt" = ?, "lastError" = ?, "maxAttempts" = "maxAttempts" + 1`;
      params = [run.now, error];
    } else if (result.retryAt !== undefined) {
      set = `"state" = 'pending', "runAt" = ?, "lastError" = ?`;
      params = [result.retryAt, error];
    } else {
      set = `"state" = 'dead', "finishedAt" = ?, "lastError" = ?`;
      params = [run.now, error];
    }
    // The attempt number tells this run from a later claim of the same job by the same worker.
    const update =
      `UPDATE ${JOBS} SET ${set}, "leaseOwner" = NULL, "leaseUntil" = NULL, "updated" = ? ` +
      `WHERE "id" = ? AND "leaseOwner" = ? AND "attempts" = ? AND "state" = 'running'`;
    const updateParams = [...params, run.now, job.id, run.owner, job.attempts];
    const attempt: JobAttemptRow = { jobId: job.id, attempt: job.attempts, worker: run.owner, started: run.started, finished: run.now, outcome: result.outcome, error };
    if (this.db.dialect.name === 'postgres') {
      // One statement, so one round trip: the attempt is logged only when the update took.
      const { changes } = await this.db.run(
        `WITH "done" AS (${update} RETURNING "id") INSERT INTO ${ATTEMPTS} ("jobId", "attempt", "worker", "started", "finished", "outcome", "error") ` +
          `SELECT "id", CAST(? AS INTEGER), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT) FROM "done" ` +
          `ON CONFLICT ("jobId", "attempt") DO NOTHING`,
        [...updateParams, attempt.attempt, attempt.worker, attempt.started, attempt.finished, attempt.outcome, attempt.error],
      );
      return changes === 1;
    }
    // One transaction, so that a job seen in its new state already has the attempt logged.
    return this.db.transaction(async (tx) => {
      const { changes } = await tx.run(update, updateParams);
      if (changes !== 1) return false;
      await this.addAttempt(tx, attempt);
      return true;
    });
  }

  /**
   * Jobs whose worker stopped renewing its lease (it died, or lost the database) go back to
   * pending, or to dead when that was their last attempt; the lost run is logged. Returns them.
   */
  async reclaimExpired(now: number): Promise<{ job: JobRow; dead: boolean }[]> {
    const expired = await this.db.all<JobRow>(`SELECT * FROM ${JOBS} WHERE "state" = 'running' AND "leaseUntil" < ?`, [now]);
    const reclaimed: { job: JobRow; dead: boolean }[] = [];
    for (const job of expired) {
      const error = 'the worker running this job stopped (its lease expired)';
      const dead = job.attempts >= job.maxAttempts;
      const done = await this.db.transaction(async (tx) => {
        const { changes } = await tx.run(
          `UPDATE ${JOBS} SET "state" = ?, "runAt" = ?, "finishedAt" = ?, "lastError" = ?, "leaseOwner" = NULL, "leaseUntil" = NULL, "updated" = ? ` +
            `WHERE "id" = ? AND "state" = 'running' AND "leaseOwner" = ? AND "leaseUntil" = ?`,
          [dead ? 'dead' : 'pending', now, dead ? now : null, error, now, job.id, job.leaseOwner, job.leaseUntil],
        );
        if (changes !== 1) return false;
        await this.addAttempt(tx, { jobId: job.id, attempt: job.attempts, worker: job.leaseOwner ?? '', started: job.updated, finished: now, outcome: 'lost', error });
        return true;
      });
      if (done) reclaimed.push({ job, dead });
    }
    return reclaimed;
  }

  /** On a database only this node uses (SQLite), jobs left running by an earlier process are lost runs now. */
  async expireAllLeases(now: number): Promise<void> {
    await this.db.run(`UPDATE ${JOBS} SET "leaseUntil" = ? WHERE "state" = 'running'`, [now - 1]);
  }

  private async addAttempt(exec: Executor, row: JobAttemptRow): Promise<void> {
    await exec.run(
      `INSERT INTO ${ATTEMPTS} ("jobId", "attempt", "worker", "started", "finished", "outcome", "error") VALUES (?, ?, ?, ?, ?, ?, ?) ` +
        exec.dialect.upsertSuffix(['jobId', 'attempt'], []),
      [row.jobId, row.attempt, row.worker, row.started, row.finished, row.outcome, row.error],
    );
  }

  // Ids and names come from URLs: one PostgreSQL text cannot hold (a NUL) names nothing.
  async find(id: string): Promise<JobRow | undefined> {
    if (!isStorableId(id)) return undefined;
    return this.db.get<JobRow>(`SELECT * FROM ${JOBS} WHERE "id" = ?`, [id]);
  }

  async attempts(id: string): Promise<JobAttemptRow[]> {
    if (!isStorableId(id)) return [];
    return this.db.all<JobAttemptRow>(`SELECT * FROM ${ATTEMPTS} WHERE "jobId" = ? ORDER BY "attempt"`, [id]);
  }

  async page(query: JobPageQuery): Promise<{ items: JobRow[]; totalItems: number }> {
    if (query.name !== undefined && !isStorableId(query.name)) return { items: [], totalItems: 0 };
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (query.state) {
      where.push(`"state" = ?`);
      params.push(query.state);
    }
    if (query.name) {
      where.push(`"name" = ?`);
      params.push(query.name);
    }
    const clause = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
    const total = await this.db.get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM ${JOBS}${clause}`, params);
    const items = await this.db.all<JobRow>(`SELECT * FROM ${JOBS}${clause} ORDER BY "created" DESC, "id" DESC LIMIT ? OFFSET ?`, [
      ...params,
      query.perPage,
      (query.page - 1) * query.perPage,
    ]);
    return { items, totalItems: Number(total?.n ?? 0) };
  }

  /** A dead job gets one more attempt, due now. False when the job is not dead. */
  async retry(id: string, now: number): Promise<boolean> {
    if (!isStorableId(id)) return false;
    const { changes } = await this.db.run(
      `UPDATE ${JOBS} SET "state" = 'pending', "maxAttempts" = "attempts" + 1, "runAt" = ?, "finishedAt" = NULL, "updated" = ? WHERE "id" = ? AND "state" = 'dead'`,
      [now, now, id],
    );
    return changes === 1;
  }

  /** A pending job will not run. False when it is not pending (a running one is not interrupted). */
  async cancel(id: string, now: number): Promise<boolean> {
    if (!isStorableId(id)) return false;
    const { changes } = await this.db.run(
      `UPDATE ${JOBS} SET "state" = 'cancelled', "finishedAt" = ?, "updated" = ? WHERE "id" = ? AND "state" = 'pending'`,
      [now, now, id],
    );
    return changes === 1;
  }

  /** Deletes finished jobs (and their attempts) that ended before the given times. */
  async prune(before: { done: number; dead: number }): Promise<number> {
    return this.db.transaction(async (tx) => {
      const { changes } = await tx.run(
        `DELETE FROM ${JOBS} WHERE ("state" IN ('completed', 'cancelled') AND "finishedAt" < ?) OR ("state" = 'dead' AND "finishedAt" < ?)`,
        [before.done, before.dead],
      );
      if (changes > 0) await tx.run(`DELETE FROM ${ATTEMPTS} WHERE "jobId" NOT IN (SELECT "id" FROM ${JOBS})`);
      return changes;
    });
  }
}
