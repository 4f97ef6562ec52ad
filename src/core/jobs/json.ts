// Jobs as the /api/jobs routes show them: times as PocketBase-style date strings, the
// payload as the JSON it was enqueued with.
import { formatDateTime } from '../../lib/dates.js';
import { badRequest } from '../errors/index.js';
import { parseListParams } from '../records/list-params.js';
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

/** `page` and `perPage`, read as the record lists read them, with a smaller largest page. */
export function pageQuery(query: URLSearchParams): { page: number; perPage: number } {
  const { page, perPage } = parseListParams(new URLSearchParams({ page: query.get('page') ?? '', perPage: query.get('perPage') ?? '' }));
  return { page, perPage: Math.min(perPage, MAX_PER_PAGE) };
}
