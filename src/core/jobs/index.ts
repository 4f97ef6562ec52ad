export { JobQueue, MAX_PAYLOAD_BYTES, type JobQueueDeps } from './queue.js';
export type { WorkerSettings } from './worker.js';
export { JobDefinitions } from './definitions.js';
export { RetryLaterError, GiveUpError, isGiveUp, isRetryLater } from './errors.js';
export { exponentialBackoff, scheduleBackoff } from './backoff.js';
export { JOBS_TABLE, JOB_ATTEMPTS_TABLE, installJobTables } from './schema.js';
export type { JobPageQuery } from './store.js';
export * from './types.js';
export { jobJSON, attemptJSON, jobPageQuery, pageQuery } from './json.js';
