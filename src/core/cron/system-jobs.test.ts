import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachDialect } from '../../db/testing.js';
import { parseCron } from './expression.js';
import { JOBS_PRUNE_JOB, MFA_CLEANUP_JOB, OTP_CLEANUP_JOB, SQLITE_MAINTENANCE_JOB, systemCronJobs } from './system-jobs.js';

forEachDialect(
  (dialect, getDb) => {
    test('registers the auth-code cleanup and job pruning everywhere, SQLite maintenance on SQLite only', () => {
      const jobs = systemCronJobs({ db: getDb(), deleteExpiredAuthCodes: () => Promise.resolve(), pruneJobs: () => Promise.resolve() });
      const ids = jobs.map((j) => j.id).sort();
      const everywhere = [MFA_CLEANUP_JOB, OTP_CLEANUP_JOB, JOBS_PRUNE_JOB];
      assert.deepEqual(ids, (dialect === 'sqlite' ? [...everywhere, SQLITE_MAINTENANCE_JOB] : everywhere).sort());
      for (const job of jobs) {
        assert.match(job.id, /^__(pb|plinth)\w+__$/);
        parseCron(job.expression);
      }
    });

    test('the cleanup job calls the callback; the maintenance job runs against the database', async () => {
      let cleanups = 0;
      const db = getDb();
      let prunes = 0;
      const jobs = systemCronJobs({ db, deleteExpiredAuthCodes: async () => void cleanups++, pruneJobs: async () => void prunes++ });
      for (const job of jobs) await job.fn();
      assert.equal(cleanups, 2);
      assert.equal(prunes, 1);
      if (dialect === 'sqlite') {
        // After TRUNCATE the WAL holds no frames: a passive checkpoint has nothing to copy.
        await db.exec('CREATE TABLE t (v TEXT); INSERT INTO t VALUES (1);');
        await jobs.find((j) => j.id === SQLITE_MAINTENANCE_JOB)!.fn();
        const [row] = await db.all<{ log: number }>('PRAGMA wal_checkpoint(PASSIVE)');
        assert.equal(row?.log, 0);
      }
    });
  },
  { title: 'systemCronJobs' },
);
