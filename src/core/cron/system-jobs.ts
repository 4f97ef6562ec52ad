// The jobs Plinth registers by default, under PocketBase's ids and schedules so GET /api/crons
// lists what PocketBase's does. Log retention (`__pbLogsCleanup__`) has no job yet: request logs
// do not exist yet.
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
  /** Deletes finished jobs and webhook deliveries past their retention. */
  pruneJobs(): Promise<unknown>;
}

export const OTP_CLEANUP_JOB = '__pbOTPCleanup__';
export const MFA_CLEANUP_JOB = '__pbMFACleanup__';
export const SQLITE_MAINTENANCE_JOB = '__pbDBOptimize__';
export const JOBS_PRUNE_JOB = '__plinthJobsPrune__';

export function systemCronJobs(deps: SystemCronDeps): SystemCronJob[] {
  // Expired codes and MFA sessions are also refused when used; these only keep the tables
  // small. The one cleanup clears both, so whichever runs first leaves the other nothing to do.
  const jobs: SystemCronJob[] = [
    { id: OTP_CLEANUP_JOB, expression: '0 * * * *', fn: () => deps.deleteExpiredAuthCodes() },
    { id: MFA_CLEANUP_JOB, expression: '0 * * * *', fn: () => deps.deleteExpiredAuthCodes() },
    // Completed jobs go after a day, dead ones after 30; ended webhook deliveries after 7.
    { id: JOBS_PRUNE_JOB, expression: '30 * * * *', fn: () => deps.pruneJobs() },
  ];
  if (deps.db.dialect.name === 'sqlite') {
    jobs.push({
      id: SQLITE_MAINTENANCE_JOB,
      expression: '0 0 * * *',
      // TRUNCATE resets the WAL file, which otherwise only grows back to its largest size;
      // optimize refreshes the planner statistics that changed enough to matter.
      fn: () => deps.db.exec('PRAGMA wal_checkpoint(TRUNCATE); PRAGMA optimize;'),
    });
  }
  return jobs;
}
