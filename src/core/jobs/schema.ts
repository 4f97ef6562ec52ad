// The queue's tables, created by a system migration. Times are epoch milliseconds so that
// "due" and "lease expired" are plain integer comparisons on both engines.
import type { TransactionExecutor } from '../../db/types.js';

export const JOBS_TABLE = '_plinthJobs';
export const JOB_ATTEMPTS_TABLE = '_plinthJobAttempts';
export const JOB_OUTBOX_TABLE = '_plinthJobOutbox';

export async function installJobTables(tx: TransactionExecutor): Promise<void> {
  const { dialect } = tx;
  const q = (name: string) => dialect.quoteIdent(name);
  const big = dialect.bigintType;
  await tx.exec(
    `CREATE TABLE IF NOT EXISTS ${q(JOBS_TABLE)} (` +
      `${q('id')} TEXT PRIMARY KEY NOT NULL, ${q('name')} TEXT NOT NULL, ${q('payload')} TEXT NOT NULL, ` +
      `${q('state')} TEXT NOT NULL, ${q('priority')} INTEGER DEFAULT 0 NOT NULL, ${q('runAt')} ${big} NOT NULL, ` +
      `${q('attempts')} INTEGER DEFAULT 0 NOT NULL, ${q('maxAttempts')} INTEGER NOT NULL, ` +
      `${q('leaseOwner')} TEXT, ${q('leaseUntil')} ${big}, ${q('uniqueKey')} TEXT, ${q('lastError')} TEXT, ` +
      `${q('created')} ${big} NOT NULL, ${q('updated')} ${big} NOT NULL, ${q('finishedAt')} ${big})`,
  );
  // Only jobs with a key are indexed: most have none, and every index is one more write per enqueue.
  await tx.exec(
    `CREATE UNIQUE INDEX IF NOT EXISTS ${q('_plinthJobs_unique')} ON ${q(JOBS_TABLE)} (${q('name')}, ${q('uniqueKey')}) WHERE ${q('uniqueKey')} IS NOT NULL`,
  );
  // Claims read pending jobs of one name in claim order; the index hands them over in that order.
  await tx.exec(
    `CREATE INDEX IF NOT EXISTS ${q('_plinthJobs_due')} ON ${q(JOBS_TABLE)} ` +
      `(${q('name')}, ${q('priority')} DESC, ${q('runAt')}, ${q('id')}) WHERE ${q('state')} = 'pending'`,
  );
  await tx.exec(`CREATE INDEX IF NOT EXISTS ${q('_plinthJobs_lease')} ON ${q(JOBS_TABLE)} (${q('leaseUntil')}) WHERE ${q('state')} = 'running'`);
  await tx.exec(
    `CREATE TABLE IF NOT EXISTS ${q(JOB_ATTEMPTS_TABLE)} (` +
      `${q('jobId')} TEXT NOT NULL, ${q('attempt')} INTEGER NOT NULL, ${q('worker')} TEXT NOT NULL, ` +
      `${q('started')} ${big} NOT NULL, ${q('finished')} ${big} NOT NULL, ${q('outcome')} TEXT NOT NULL, ${q('error')} TEXT, ` +
      `PRIMARY KEY (${q('jobId')}, ${q('attempt')}))`,
  );
}

/**
 * SQLite only. A job row updates three b-trees (the table, its key, the claim index), and on
 * SQLite each is a page more in every commit that carries one. Jobs written inside busy
 * transactions (webhook deliveries) are appended here instead, one row in one b-tree, and
 * moved into `_plinthJobs` in batches moments after the commit. PostgreSQL, where a statement
 * costs a round trip rather than pages, writes them to `_plinthJobs` directly.
 */
export async function installJobOutbox(tx: TransactionExecutor): Promise<void> {
  if (tx.dialect.name !== 'sqlite') return;
  await tx.exec(
    `CREATE TABLE IF NOT EXISTS "${JOB_OUTBOX_TABLE}" ("seq" INTEGER PRIMARY KEY, "id" TEXT NOT NULL, "name" TEXT NOT NULL, ` +
      `"payload" TEXT NOT NULL, "priority" INTEGER NOT NULL, "runAt" INTEGER NOT NULL, "maxAttempts" INTEGER NOT NULL, "created" INTEGER NOT NULL)`,
  );
}
