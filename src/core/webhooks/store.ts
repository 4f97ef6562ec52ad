// The SQL of endpoints and deliveries. Lists and documents are stored as JSON text.
import type { Database, Executor, Row, SqlValue } from '../../db/types.js';
import { isStorableId } from '../records/repository.js';
import { DELIVERIES_TABLE, WEBHOOKS_TABLE } from './schema.js';
import type { Webhook } from './model.js';

export type DeliveryState = 'pending' | 'delivered' | 'failed' | 'dead';

export interface AttemptLogEntry {
  attempt: number;
  at: number;
  status: 'delivered' | 'failed' | 'refused';
  responseStatus: number | null;
  latencyMs: number | null;
  error: string | null;
}

export interface Delivery {
  id: string;
  webhookId: string;
  type: string;
  body: string;
  state: DeliveryState;
  attempts: number;
  responseStatus: number | null;
  latencyMs: number | null;
  responseExcerpt: string | null;
  error: string | null;
  log: AttemptLogEntry[];
  created: number;
  updated: number;
}

const WEBHOOKS = `"${WEBHOOKS_TABLE}"`;
const DELIVERIES = `"${DELIVERIES_TABLE}"`;
/** Attempts kept in a delivery's log (the oldest go first). */
const LOG_LIMIT = 30;

function decodeWebhook(row: Row): Webhook {
  return {
    id: String(row.id),
    name: String(row.name),
    url: String(row.url),
    events: JSON.parse(String(row.events)) as string[],
    collections: JSON.parse(String(row.collections)) as string[],
    condition: String(row.condition),
    secrets: JSON.parse(String(row.secrets)) as Webhook['secrets'],
    enabled: row.enabled === true || row.enabled === 1,
    includeHidden: row.includeHidden === true || row.includeHidden === 1,
    failures: Number(row.failures),
    disabledReason: String(row.disabledReason),
    created: Number(row.created),
    updated: Number(row.updated),
  };
}

function decodeDelivery(row: Row): Delivery {
  return { ...(row as unknown as Delivery), log: JSON.parse(String(row.log)) as AttemptLogEntry[] };
}

export class WebhookStore {
  constructor(private readonly db: Database) {}

  async all(): Promise<Webhook[]> {
    // Opened without the system migrations (some CLI commands): no endpoints yet.
    if (!(await this.db.tableExists(WEBHOOKS_TABLE))) return [];
    return (await this.db.all(`SELECT * FROM ${WEBHOOKS} ORDER BY "created", "id"`)).map(decodeWebhook);
  }

  // Ids come from URLs: one PostgreSQL text cannot hold (a NUL) names nothing.
  async find(id: string, exec: Executor = this.db): Promise<Webhook | undefined> {
    if (!isStorableId(id)) return undefined;
    const row = await exec.get(`SELECT * FROM ${WEBHOOKS} WHERE "id" = ?`, [id]);
    return row ? decodeWebhook(row) : undefined;
  }

  async save(webhook: Webhook): Promise<void> {
    const values: SqlValue[] = [
      webhook.id,
      webhook.name,
      webhook.url,
      JSON.stringify(webhook.events),
      JSON.stringify(webhook.collections),
      webhook.condition,
      JSON.stringify(webhook.secrets),
      webhook.enabled,
      webhook.includeHidden,
      webhook.failures,
      webhook.disabledReason,
      webhook.created,
      webhook.updated,
    ];
    const columns = ['id', 'name', 'url', 'events', 'collections', 'condition', 'secrets', 'enabled', 'includeHidden', 'failures', 'disabledReason', 'created', 'updated'];
    await this.db.run(
      `INSERT INTO ${WEBHOOKS} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ` +
        this.db.dialect.upsertSuffix(['id'], columns.slice(1)),
      values,
    );
  }

  async remove(id: string): Promise<boolean> {
    if (!isStorableId(id)) return false;
    return this.db.transaction(async (tx) => {
      await tx.run(`DELETE FROM ${DELIVERIES} WHERE "webhookId" = ?`, [id]);
      const { changes } = await tx.run(`DELETE FROM ${WEBHOOKS} WHERE "id" = ?`, [id]);
      return changes === 1;
    });
  }

  /** After a failed attempt: counts it; past `limit` in a row the endpoint is disabled. True when this disabled it. */
  async noteFailure(id: string, limit: number, now: number): Promise<boolean> {
    await this.db.run(`UPDATE ${WEBHOOKS} SET "failures" = "failures" + 1 WHERE "id" = ?`, [id]);
    const { changes } = await this.db.run(
      `UPDATE ${WEBHOOKS} SET "enabled" = ?, "disabledReason" = ?, "updated" = ? WHERE "id" = ? AND "enabled" = ? AND "failures" >= ?`,
      [false, `disabled after ${limit} failed attempts in a row`, now, id, true, limit],
    );
    return changes === 1;
  }

  async noteSuccess(id: string): Promise<void> {
    await this.db.run(`UPDATE ${WEBHOOKS} SET "failures" = 0 WHERE "id" = ? AND "failures" <> 0`, [id]);
  }

  /** The log row of a delivery's first sending (after a lost run it is there already, and is returned as it is). */
  async insertDelivery(delivery: Pick<Delivery, 'id' | 'webhookId' | 'type' | 'body'>, created: number): Promise<Delivery | undefined> {
    const [row] = await this.db.all(
      `INSERT INTO ${DELIVERIES} ("id", "webhookId", "type", "body", "state", "attempts", "log", "created", "updated") VALUES (?, ?, ?, ?, 'pending', 0, '[]', ?, ?) ` +
        `${this.db.dialect.upsertSuffix(['id'], [])} RETURNING *`,
      [delivery.id, delivery.webhookId, delivery.type, delivery.body, created, created],
    );
    return row ? decodeDelivery(row) : this.findDelivery(delivery.id);
  }

  async findDelivery(id: string): Promise<Delivery | undefined> {
    if (!isStorableId(id)) return undefined;
    const row = await this.db.get(`SELECT * FROM ${DELIVERIES} WHERE "id" = ?`, [id]);
    return row ? decodeDelivery(row) : undefined;
  }

  async recordAttempt(delivery: Delivery, entry: AttemptLogEntry & { state: DeliveryState; excerpt: string | null }): Promise<void> {
    const { state, excerpt, ...logEntry } = entry;
    const log = [...delivery.log, logEntry].slice(-LOG_LIMIT);
    await this.db.run(
      `UPDATE ${DELIVERIES} SET "state" = ?, "attempts" = "attempts" + 1, "responseStatus" = ?, "latencyMs" = ?, "responseExcerpt" = ?, "error" = ?, "log" = ?, "updated" = ? WHERE "id" = ?`,
      [state, entry.responseStatus, entry.latencyMs, excerpt, entry.error, JSON.stringify(log), entry.at, delivery.id],
    );
  }

  /** A delivery whose last attempt was lost with its worker: dead, saying why (no row yet: nothing to mark). */
  async markAbandoned(id: string, now: number): Promise<void> {
    await this.db.run(`UPDATE ${DELIVERIES} SET "state" = 'dead', "error" = ?, "updated" = ? WHERE "id" = ? AND "state" <> 'delivered'`, [
      'the last attempt was lost: the node sending it stopped',
      now,
      id,
    ]);
  }

  /** An ended delivery (delivered or dead) back to pending for a redelivery; false when it had not ended. */
  async reopenDelivery(exec: Executor, id: string, now: number): Promise<boolean> {
    const { changes } = await exec.run(`UPDATE ${DELIVERIES} SET "state" = 'pending', "updated" = ? WHERE "id" = ? AND "state" IN ('delivered', 'dead')`, [now, id]);
    return changes === 1;
  }

  async deliveries(webhookId: string, page: { page: number; perPage: number; state?: DeliveryState }): Promise<{ items: Delivery[]; totalItems: number }> {
    const where = page.state ? `"webhookId" = ? AND "state" = ?` : `"webhookId" = ?`;
    const params: SqlValue[] = page.state ? [webhookId, page.state] : [webhookId];
    const total = await this.db.get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM ${DELIVERIES} WHERE ${where}`, params);
    const rows = await this.db.all(`SELECT * FROM ${DELIVERIES} WHERE ${where} ORDER BY "created" DESC, "id" DESC LIMIT ? OFFSET ?`, [
      ...params,
      page.perPage,
      (page.page - 1) * page.perPage,
    ]);
    return { items: rows.map(decodeDelivery), totalItems: Number(total?.n ?? 0) };
  }

  /** Deletes deliveries that ended (delivered or dead) before `before`. */
  async prune(before: number): Promise<number> {
    const { changes } = await this.db.run(`DELETE FROM ${DELIVERIES} WHERE "state" IN ('delivered', 'dead') AND "updated" < ?`, [before]);
    return changes;
  }
}
