// The jobs Plinth registers by default. Ids start with "__plinth" so they are easy to tell
// from an app's own jobs in GET /api/crons. Log retention has no job yet: request logs do
// not exist yet.
import type { Database } from '../../db/types.js';
import type { CronJobFn } from './scheduler.js';

export interface SystemCronJob {
  readonly id: string;
  readonly expression: string;
  readonly fn: CronJobFn;
}

export interface SystemCronDeps {
  readonly db: Database;
  /** Deletes expired one-time codes and MFA sessions (the app passes `core.otp.deleteExpired`). */
  deleteExpiredAuthCodes(): Promise<unknown>;
}

export const AUTH_CODES_CLEANUP_JOB = '__plinthAuthCodesCleanup';
export const SQLITE_MAINTENANCE_JOB = '__plinthSqliteMaintenance';

export function systemCronJobs(deps: SystemCronDeps): SystemCronJob[] {
  const jobs: SystemCronJob[] = [
    // Expired codes are also refused when used; this only keeps the tables small.
    { id: AUTH_CODES_CLEANUP_JOB, expression: '@hourly', fn: () => deps.deleteExpiredAuthCodes() },
  ];
  if (deps.db.dialect.name === 'sqlite') {
    jobs.push({
      id: SQLITE_MAINTENANCE_JOB,
      // Off the hour, so it does not coincide with the hourly cleanup's writes.
      expression: '30 3 * * *',
      // TRUNCATE resets the WAL file, which otherwise only grows back to its largest size;
      // optimize refreshes the planner statistics that changed enough to matter.
      fn: () => deps.db.exec('PRAGMA wal_checkpoint(TRUNCATE); PRAGMA optimize;'),
    });
  }
  return jobs;
}
