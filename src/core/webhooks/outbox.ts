// Turns events into deliveries inside the transaction that caused them: one job per endpoint
// carrying the whole message (id, body). It exists only if the transaction commits, so a
// rolled-back write sends nothing and a committed one is never lost. The delivery's row in
// the log is written by its first attempt, which keeps the write itself to one extra row.
import { isGatheringInserts } from '../../db/fused-inserts.js';
import type { Executor, SqlValue } from '../../db/types.js';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import { randomString } from '../../lib/ids.js';
import type { Collection } from '../collections/model.js';
import type { JobQueue } from '../jobs/index.js';
import type { RecordEvent } from '../records/events.js';
import { exportRecord } from '../records/export.js';
import type { RecordModel } from '../records/record.js';
import type { RecordOutbox } from '../records/write-hooks.js';
import type { AccessCompiler } from '../rules/access.js';
import type { RequestInfo } from '../rules/request-info.js';
import { badRequest } from '../errors/index.js';
import type { Webhook } from './model.js';
import type { WebhookRegistry } from './registry.js';

export const DELIVERY_JOB = '__plinthWebhookDelivery__';

/** A delivery job's payload: the message itself for a first sending, only its id for a redelivery. */
export interface DeliveryPayload {
  deliveryId: string;
  webhookId?: string;
  type?: string;
  body?: string;
  created?: number;
}
const CUSTOM_EVENT = /^[a-z0-9_]+(\.[a-z0-9_]+)*$/;

export interface OutboxDeps {
  registry: WebhookRegistry;
  jobs: JobQueue;
  access: AccessCompiler;
  clock: Clock;
  logger: Logger;
}

/** Conditions are checked as a guest would see them: they read the record, not a request. */
const CONDITION_REQUEST: RequestInfo = { auth: null, isSuperuser: false, method: 'POST', query: {}, headers: {}, body: {}, context: 'default' };

export class WebhookOutbox implements RecordOutbox {
  constructor(private readonly deps: OutboxDeps) {}

  wants(collection: Collection): boolean {
    return this.deps.registry.takesRecordsOf(collection.id);
  }

  /**
   * True unless an endpoint taking the event has a condition, which reads the written row. (An
   * endpoint given a condition while such a write is under way misses that write's event, with
   * a warning: the write is treated as made just before the condition existed.)
   */
  insertsOnly(collection: Collection, action: RecordEvent['action']): boolean {
    return this.deps.registry.matching(`record.${action}`, collection.id).every((w) => w.condition === '');
  }

  async written(exec: Executor, event: RecordEvent): Promise<void> {
    await this.recordEvent(exec, `record.${event.action}`, event.record);
  }

  /** A record or auth event: every enabled endpoint taking it whose condition holds gets a delivery. */
  async recordEvent(exec: Executor, type: string, record: RecordModel, extra: Record<string, unknown> = {}): Promise<number> {
    const { collection } = record;
    let sent = 0;
    for (const webhook of this.deps.registry.matching(type, collection.id)) {
      if (webhook.condition !== '' && !(await this.conditionHolds(exec, webhook, record))) continue;
      const data = {
        collectionId: collection.id,
        collectionName: collection.name,
        record: exportRecord(record, { showHidden: webhook.includeHidden, showEmail: true }),
        ...extra,
      };
      await this.enqueue(exec, webhook, { type, data });
      sent++;
    }
    return sent;
  }

  /** A custom event from extension code. */
  async custom(exec: Executor, type: string, data: unknown): Promise<number> {
    if (!CUSTOM_EVENT.test(type) || type.startsWith('record.') || type.startsWith('auth.')) {
      throw badRequest(`Invalid webhook event type "${type}": use lower-case words joined by dots (record.* and auth.* are Plinth's own).`);
    }
    const endpoints = this.deps.registry.matching(type);
    for (const webhook of endpoints) await this.enqueue(exec, webhook, { type, data });
    return endpoints.length;
  }

  private async conditionHolds(exec: Executor, webhook: Webhook, record: RecordModel): Promise<boolean> {
    const { collection } = record;
    if (isGatheringInserts(exec)) {
      // The write chose one statement when this endpoint had no condition (see insertsOnly); it
      // got one meanwhile, and the row cannot be read back before the statement runs.
      this.deps.logger.warn({ webhook: webhook.id, collection: collection.name }, 'webhooks: a condition was set while a write was under way; the event was not sent');
      return false;
    }
    let select: { sql: string; params: SqlValue[] };
    try {
      select = this.compileCondition(webhook, record);
    } catch (err) {
      // The schema changed under the condition (a field it names was removed): the endpoint
      // misses this event, the write itself must not fail for it.
      this.deps.logger.warn({ err, webhook: webhook.id, collection: collection.name }, 'webhooks: a condition no longer compiles; the event was not sent');
      return false;
    }
    return (await exec.get(select.sql, select.params)) !== undefined;
  }

  private compileCondition(webhook: Webhook, record: RecordModel): { sql: string; params: SqlValue[] } {
    const { collection } = record;
    return this.deps.access.select(
      {
        collection,
        request: CONDITION_REQUEST,
        rules: [webhook.condition],
        where: (t) => [{ sql: `${t}."id" = ?`, params: [String(record.values.id)] }],
      },
      { limit: 1, offset: 0 },
    ) as { sql: string; params: SqlValue[] };
  }

  private async enqueue(exec: Executor, webhook: Webhook, message: { type: string; data: unknown }): Promise<void> {
    const now = this.deps.clock.now();
    const id = `msg_${randomString(24)}`;
    const body = JSON.stringify({ type: message.type, timestamp: now.toISOString(), data: message.data });
    const payload: DeliveryPayload = { deliveryId: id, webhookId: webhook.id, type: message.type, body, created: now.getTime() };
    await this.deps.jobs.enqueueStaged(DELIVERY_JOB, payload, exec);
  }
}
