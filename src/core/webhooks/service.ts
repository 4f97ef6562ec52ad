// The webhooks a superuser manages through /api/webhooks: endpoints, their secrets, their
// delivery log and manual redelivery. Changes reload the in-memory endpoints on every node.
import type { Clock } from '../../lib/clock.js';
import type { Database } from '../../db/types.js';
import { formatDateTime } from '../../lib/dates.js';
import { newRecordId } from '../../lib/ids.js';
import type { CollectionRegistry } from '../records/service.js';
import { badRequest, notFound } from '../errors/index.js';
import type { JobQueue } from '../jobs/index.js';
import type { AccessCompiler } from '../rules/access.js';
import { webhookFromInput, type Webhook } from './model.js';
import { DELIVERY_JOB } from './outbox.js';
import type { WebhookRegistry } from './registry.js';
import { generateWebhookSecret, isWebhookSecret } from './signature.js';
import type { Delivery, DeliveryState, WebhookStore } from './store.js';

/** How long a rotated-out secret keeps signing alongside the new one. */
export const PREVIOUS_SECRET_TTL_MS = 24 * 60 * 60 * 1000;
const DELIVERY_STATES: readonly DeliveryState[] = ['pending', 'delivered', 'failed', 'dead'];

export interface WebhookServiceDeps {
  db: Database;
  store: WebhookStore;
  registry: WebhookRegistry;
  jobs: JobQueue;
  collections: CollectionRegistry;
  access: AccessCompiler;
  clock: Clock;
}

export class WebhookService {
  constructor(private readonly deps: WebhookServiceDeps) {}

  list(): Record<string, unknown>[] {
    return this.deps.registry.list().map((w) => this.toJSON(w));
  }

  async view(id: string): Promise<Record<string, unknown>> {
    return this.toJSON(await this.existing(id));
  }

  async create(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const now = this.deps.clock.now().getTime();
    const fields = webhookFromInput(body, this.inputContext(now));
    const webhook: Webhook = { failures: 0, ...fields, id: newRecordId(), created: now };
    await this.deps.store.save(webhook);
    await this.deps.registry.changed();
    return this.toJSON(webhook);
  }

  async update(id: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const current = await this.existing(id);
    const now = this.deps.clock.now().getTime();
    const webhook: Webhook = { ...current, ...webhookFromInput(body, this.inputContext(now), current) };
    await this.deps.store.save(webhook);
    await this.deps.registry.changed();
    return this.toJSON(webhook);
  }

  async remove(id: string): Promise<void> {
    if (!(await this.deps.store.remove(id))) throw notFound();
    await this.deps.registry.changed();
  }

  /**
   * A new signing secret (given, or generated). The previous one keeps signing next to it for
   * a day, so receivers can switch over without refusing a delivery.
   */
  async rotateSecret(id: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const current = await this.existing(id);
    const secret = body.secret ?? generateWebhookSecret();
    if (typeof secret !== 'string' || !isWebhookSecret(secret)) {
      throw badRequest('Failed to rotate the secret.', { secret: { code: 'validation_invalid_secret', message: 'Must be a whsec_ secret (base64 of 24 to 64 bytes).' } });
    }
    const now = this.deps.clock.now().getTime();
    const previous = current.secrets.find((s) => s.expires === null);
    const secrets = [{ secret, expires: null }, ...(previous ? [{ secret: previous.secret, expires: now + PREVIOUS_SECRET_TTL_MS }] : [])];
    const webhook: Webhook = { ...current, secrets, updated: now };
    await this.deps.store.save(webhook);
    await this.deps.registry.changed();
    return this.toJSON(webhook);
  }

  async deliveries(id: string, query: { page: number; perPage: number; state?: string }): Promise<Record<string, unknown>> {
    await this.existing(id);
    if (query.state !== undefined && !DELIVERY_STATES.includes(query.state as DeliveryState)) {
      throw badRequest(`Invalid state filter: one of ${DELIVERY_STATES.join(', ')}.`);
    }
    const { items, totalItems } = await this.deps.store.deliveries(id, { ...query, state: query.state as DeliveryState | undefined });
    return {
      page: query.page,
      perPage: query.perPage,
      totalItems,
      totalPages: Math.ceil(totalItems / query.perPage),
      items: items.map(deliveryJSON),
    };
  }

  /**
   * Sends a delivery again, under the same message id (receivers deduplicate on it). Only an
   * ended one: a delivery still pending or retrying has its job already.
   */
  async redeliver(id: string, deliveryId: string): Promise<Record<string, unknown>> {
    const delivery = await this.deps.store.findDelivery(deliveryId);
    if (!delivery || delivery.webhookId !== id) throw notFound();
    const now = this.deps.clock.now().getTime();
    // The state change and the job commit together, and only one of two racing calls changes the state.
    await this.deps.db.transaction(async (tx) => {
      if (!(await this.deps.store.reopenDelivery(tx, deliveryId, now))) {
        throw badRequest('The delivery is still being sent; only a delivered or dead delivery can be sent again.');
      }
      await this.deps.jobs.enqueue(DELIVERY_JOB, { deliveryId }, {}, tx);
    });
    return deliveryJSON({ ...delivery, state: 'pending', updated: now });
  }

  private async existing(id: string): Promise<Webhook> {
    const webhook = await this.deps.store.find(id);
    if (!webhook) throw notFound();
    return webhook;
  }

  private inputContext(now: number) {
    return {
      now,
      collection: (ref: string) => this.deps.collections.byNameOrId(ref),
      checkCondition: (collection: Parameters<AccessCompiler['checkRule']>[0], condition: string) => {
        try {
          this.deps.access.checkRule(collection, condition);
        } catch (err) {
          const cause = (err as { cause?: unknown }).cause;
          throw new Error(cause instanceof Error ? cause.message : 'invalid expression');
        }
      },
    };
  }

  private toJSON(webhook: Webhook): Record<string, unknown> {
    const now = this.deps.clock.now().getTime();
    const current = webhook.secrets.find((s) => s.expires === null);
    const previous = webhook.secrets.find((s) => s.expires !== null && s.expires > now);
    return {
      id: webhook.id,
      name: webhook.name,
      url: webhook.url,
      events: webhook.events,
      // By name, as the API takes them; a deleted collection's id stays visible as it is.
      collections: webhook.collections.map((id) => this.deps.collections.byId(id)?.name ?? id),
      condition: webhook.condition,
      enabled: webhook.enabled,
      includeHidden: webhook.includeHidden,
      failures: webhook.failures,
      disabledReason: webhook.disabledReason,
      secret: current?.secret ?? '',
      previousSecretExpires: previous?.expires ? formatDateTime(new Date(previous.expires)) : '',
      created: formatDateTime(new Date(webhook.created)),
      updated: formatDateTime(new Date(webhook.updated)),
    };
  }
}

function deliveryJSON(delivery: Delivery): Record<string, unknown> {
  return {
    id: delivery.id,
    webhookId: delivery.webhookId,
    type: delivery.type,
    state: delivery.state,
    attempts: Number(delivery.attempts),
    responseStatus: delivery.responseStatus,
    latencyMs: delivery.latencyMs,
    responseExcerpt: delivery.responseExcerpt ?? '',
    error: delivery.error ?? '',
    body: delivery.body,
    log: delivery.log.map((entry) => ({ ...entry, at: formatDateTime(new Date(entry.at)) })),
    created: formatDateTime(new Date(Number(delivery.created))),
    updated: formatDateTime(new Date(Number(delivery.updated))),
  };
}
