// Plinth's own system migrations. On an empty database the first one creates PocketBase's
// system tables and collections; on an existing PocketBase data directory (which already
// has `_collections`) it only records itself, so nothing PocketBase made is touched.
import type { Migration, TransactionExecutor } from '../../db/index.js';
import { tableExists } from '../../db/index.js';
import type { Clock } from '../../lib/clock.js';
import { formatDateTime } from '../../lib/dates.js';
import { COLLECTIONS_TABLE, installSystemCollections } from '../collections/index.js';
import { POSTGRES_FILTER_FUNCTIONS_SQL } from '../../filter/index.js';
import { defaultSettings, SETTINGS_PARAM_ID } from '../settings.js';
import { installJobOutbox, installJobTables } from '../jobs/schema.js';
import { installWebhookTables } from '../webhooks/schema.js';

const PARAMS_DDL = {
  sqlite:
    "CREATE TABLE `_params` (`created` TEXT DEFAULT '' NOT NULL, `id` TEXT PRIMARY KEY DEFAULT ('r'||lower(hex(randomblob(7)))) NOT NULL, `updated` TEXT DEFAULT '' NOT NULL, `value` JSON DEFAULT NULL)",
  postgres:
    `CREATE TABLE "_params" ("created" TEXT DEFAULT '' NOT NULL, "id" TEXT PRIMARY KEY NOT NULL, "updated" TEXT DEFAULT '' NOT NULL, "value" TEXT DEFAULT NULL)`,
} as const;

async function init(tx: TransactionExecutor, clock: Clock): Promise<void> {
  if (await tableExists(tx, COLLECTIONS_TABLE)) return;
  const now = clock.now();
  if (!(await tableExists(tx, '_params'))) await tx.exec(PARAMS_DDL[tx.dialect.name]);
  const stamp = formatDateTime(now);
  await tx.run(`INSERT INTO "_params" ("id", "value", "created", "updated") VALUES (?, ?, ?, ?)`, [
    SETTINGS_PARAM_ID,
    JSON.stringify(defaultSettings()),
    stamp,
    stamp,
  ]);
  await installSystemCollections(tx, { now });
}

export function systemMigrations(clock: Clock): Migration[] {
  return [
    { file: '1700000000_plinth_init.js', up: (tx) => init(tx, clock) },
    {
      // Helper SQL functions the filter compiler uses on PostgreSQL (no-op on SQLite).
      file: '1700000001_plinth_pg_filter_functions.js',
      up: async (tx) => {
        if (tx.dialect.name === 'postgres') await tx.exec(POSTGRES_FILTER_FUNCTIONS_SQL);
      },
    },
    // The job queue (jobs.md); PocketBase ignores tables it does not know.
    { file: '1700000002_plinth_jobs.js', up: installJobTables },
    { file: '1700000003_plinth_webhooks.js', up: installWebhookTables },
    { file: '1700000004_plinth_job_outbox.js', up: installJobOutbox },
  ];
}
