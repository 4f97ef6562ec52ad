// Cron: expressions, the scheduler, leadership between nodes and Plinth's own jobs.
export { CronExpression, CronSyntaxError, parseCron } from './expression.js';
export { CronScheduler, soloCronLease } from './scheduler.js';
export type { CronJobFn, CronLease, CronSchedulerOptions, CronTimers } from './scheduler.js';
export { CRON_TICKS_TABLE, DatabaseCronLease } from './database-lease.js';
export { JOBS_PRUNE_JOB, MFA_CLEANUP_JOB, OTP_CLEANUP_JOB, SQLITE_MAINTENANCE_JOB, systemCronJobs } from './system-jobs.js';
export type { SystemCronDeps, SystemCronJob } from './system-jobs.js';
