// Jobs as the /api/jobs routes show them: times as PocketBase-style date strings, the
// payload as the JSON it was enqueued with.
import { formatDateTime } from '../../lib/dates.js';
import { badRequest } from '../errors/index.js';
import type { JobPageQuery } from './store.js';
import { JOB_STATES, type JobAttemptRow, type JobRow, type JobState } from './types.js';

const date = (ms: number | null): string => (ms === null ? '' : formatDateTime(new Date(Number(ms))));

export function jobJSON(job: JobRow): Record<string, unknown> {
  return {
    id: job.id,
    name: job.name,
    state: job.state,
    payload: JSON.parse(job.payload) as unknown,
    priority: Number(job.priority),
    runAt: date(job.runAt),
    attempts: Number(job.attempts),
    maxAttempts: Number(job.maxAttempts),
    uniqueKey: job.uniqueKey ?? '',
    lastError: job.lastError ?? '',
    created: date(job.created),
    updated: date(job.updated),
    finishedAt: date(job.finishedAt),
  };
}

export function attemptJSON(attempt: JobAttemptRow): Record<string, unknown> {
  return {
    attempt: Number(attempt.attempt),
    worker: attempt.worker,
    outcome: attempt.outcome,
    error: attempt.error ?? '',
    started: date(attempt.started),
    finished: date(attempt.finished),
  };
}

const MAX_PER_PAGE = 500;

/** `?state=&name=&page=&perPage=` of GET /api/jobs. */
export function jobPageQuery(query: URLSearchParams): JobPageQuery {
  const state = query.get('state') || undefined;
  if (state !== undefined && !JOB_STATES.includes(state as JobState)) {
    throw badRequest(`Invalid state filter: one of ${JOB_STATES.join(', ')}.`);
  }
  const name = query.get('name') || undefined;
  return { ...pageQuery(query), ...(state ? { state: state as JobState } : {}), ...(name ? { name } : {}) };
}

/** `page` and `perPage`, as the record lists read them (out-of-range values fall back). */
export function pageQuery(query: URLSearchParams): { page: number; perPage: number } {
  const int = (key: string, fallback: number): number => {
    const raw = query.get(key);
    if (raw === null || raw === '') return fallback;
    // Nine digits keep page × perPage a safe integer for the database's OFFSET.
    if (!/^-?\d{1,9}$/.test(raw)) throw badRequest(`Invalid ${key} parameter.`);
    const n = Number(raw);
    return n > 0 ? n : fallback;
  };
  return { page: int('page', 1), perPage: Math.min(int('perPage', 30), MAX_PER_PAGE) };
}
