// Webhook endpoints and their deliveries, created by a system migration. A delivery is one
// logical message (one `webhook-id`); its attempts are kept in its `log` column.
import type { TransactionExecutor } from '../../db/types.js';

export const WEBHOOKS_TABLE = '_plinthWebhooks';
export const DELIVERIES_TABLE = '_plinthWebhookDeliveries';

export async function installWebhookTables(tx: TransactionExecutor): Promise<void> {
  const { dialect } = tx;
  const q = (name: string) => dialect.quoteIdent(name);
  const big = dialect.bigintType;
  await tx.exec(
    `CREATE TABLE IF NOT EXISTS ${q(WEBHOOKS_TABLE)} (` +
      `${q('id')} TEXT PRIMARY KEY NOT NULL, ${q('name')} TEXT NOT NULL, ${q('url')} TEXT NOT NULL, ` +
      `${q('events')} TEXT NOT NULL, ${q('collections')} TEXT NOT NULL, ${q('condition')} TEXT NOT NULL, ` +
      `${q('secrets')} TEXT NOT NULL, ${q('enabled')} BOOLEAN NOT NULL, ${q('includeHidden')} BOOLEAN NOT NULL, ` +
      `${q('failures')} INTEGER DEFAULT 0 NOT NULL, ${q('disabledReason')} TEXT DEFAULT '' NOT NULL, ` +
      `${q('created')} ${big} NOT NULL, ${q('updated')} ${big} NOT NULL)`,
  );
  await tx.exec(
    `CREATE TABLE IF NOT EXISTS ${q(DELIVERIES_TABLE)} (` +
      `${q('id')} TEXT PRIMARY KEY NOT NULL, ${q('webhookId')} TEXT NOT NULL, ${q('type')} TEXT NOT NULL, ` +
      `${q('body')} TEXT NOT NULL, ${q('state')} TEXT NOT NULL, ${q('attempts')} INTEGER DEFAULT 0 NOT NULL, ` +
      `${q('responseStatus')} INTEGER, ${q('latencyMs')} INTEGER, ${q('responseExcerpt')} TEXT, ${q('error')} TEXT, ` +
      `${q('log')} TEXT DEFAULT '[]' NOT NULL, ${q('created')} ${big} NOT NULL, ${q('updated')} ${big} NOT NULL)`,
  );
  await tx.exec(
    `CREATE INDEX IF NOT EXISTS ${q('_plinthWebhookDeliveries_webhook')} ON ${q(DELIVERIES_TABLE)} (${q('webhookId')}, ${q('created')})`,
  );
}
