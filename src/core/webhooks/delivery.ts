// Sending one delivery: sign it with the endpoint's secrets, POST it through the outbound
// guard, log the attempt, and tell the queue whether (and when) to try again. A 2xx is
// success; a 429 is retried after its Retry-After; anything else failed and follows the
// retry schedule. A refused address, a deleted or disabled endpoint end the delivery.
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import { OutboundRefusedError, outboundRequest, type OutboundPolicy, type OutboundResponse } from '../../lib/outbound/index.js';
import { GiveUpError, RetryLaterError, type JobContext } from '../jobs/index.js';
import { activeSecrets } from './model.js';
import { signWebhook } from './signature.js';
import type { Delivery, WebhookStore } from './store.js';
import type { DeliveryPayload } from './outbox.js';

export interface DeliveryDeps {
  store: WebhookStore;
  clock: Clock;
  logger: Logger;
  policy: OutboundPolicy;
  /** One exchange's time limit (ms). */
  timeoutMs: number;
  /** Failed attempts in a row after which an endpoint is disabled. */
  disableAfter: number;
  /** Told when an endpoint was disabled here (to reload the endpoints everywhere). */
  onDisabled(): Promise<void>;
}

/** A Retry-After header (seconds or an HTTP date) as a delay in ms; null when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date names its day and month; Date.parse alone would also read "-5" as a year.
  if (!/^[A-Za-z]{3},/.test(trimmed)) return null;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** A Retry-After is honoured up to this long; a receiver cannot park a delivery for days. */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

export function deliveryHandler(deps: DeliveryDeps) {
  return async (payload: DeliveryPayload, ctx: JobContext): Promise<void> => {
    // A first sending carries its message: its log row does not exist yet, so none is read.
    const logged = payload.body === undefined || ctx.attempt > 1 ? await deps.store.findDelivery(payload.deliveryId) : undefined;
    const webhookId = logged?.webhookId ?? payload.webhookId;
    // A deleted endpoint took its delivery log with it: there is nothing left to send or log.
    const webhook = webhookId === undefined ? undefined : await deps.store.find(webhookId);
    if (!webhook) throw new GiveUpError('the endpoint was deleted');
    const delivery = logged ?? (await firstSending(deps, payload));
    if (!delivery) throw new GiveUpError('the delivery no longer exists');
    const now = deps.clock.now().getTime();
    if (!webhook.enabled) {
      const error = 'the endpoint is disabled';
      await deps.store.recordAttempt(delivery, failedEntry(ctx, now, { error, status: 'refused', state: 'dead' }));
      throw new GiveUpError(error);
    }
    const headers = signWebhook({ id: delivery.id, timestampSeconds: Math.floor(now / 1000), body: delivery.body }, activeSecrets(webhook, now));
    let response: OutboundResponse;
    try {
      response = await outboundRequest(
        {
          url: webhook.url,
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'Plinth-Webhooks/1' },
          body: delivery.body,
          timeoutMs: deps.timeoutMs,
          signal: ctx.signal,
        },
        deps.policy,
      );
    } catch (err) {
      const refused = err instanceof OutboundRefusedError;
      const last = refused || ctx.attempt >= ctx.maxAttempts;
      const error = err instanceof Error ? err.message : String(err);
      await deps.store.recordAttempt(delivery, failedEntry(ctx, now, { error, status: refused ? 'refused' : 'failed', state: last ? 'dead' : 'failed' }));
      await noteFailure(deps, delivery);
      throw refused ? new GiveUpError(error) : err;
    }
    const ok = response.status >= 200 && response.status < 300;
    const last = !ok && ctx.attempt >= ctx.maxAttempts;
    await deps.store.recordAttempt(delivery, {
      attempt: ctx.attempt,
      at: now,
      status: ok ? 'delivered' : 'failed',
      state: ok ? 'delivered' : last ? 'dead' : 'failed',
      responseStatus: response.status,
      latencyMs: Math.round(response.latencyMs),
      excerpt: response.bodyExcerpt,
      error: ok ? null : `the endpoint answered ${response.status}`,
    });
    if (ok) {
      if (webhook.failures > 0) await deps.store.noteSuccess(webhook.id);
      return;
    }
    await noteFailure(deps, delivery);
    const wait = response.status === 429 ? retryAfterMs(response.headers['retry-after'], now) : null;
    if (wait !== null) throw new RetryLaterError(`the endpoint answered 429 (retry after ${wait} ms)`, Math.min(wait, MAX_RETRY_AFTER_MS));
    throw new Error(`the endpoint answered ${response.status}`);
  };
}

/** A first sending's row in the delivery log, made from the job's payload (null when it carries no message). */
async function firstSending(deps: DeliveryDeps, payload: DeliveryPayload): Promise<Delivery | undefined> {
  const { deliveryId, webhookId, type, body, created } = payload;
  if (webhookId === undefined || type === undefined || body === undefined) return undefined;
  return deps.store.insertDelivery({ id: deliveryId, webhookId, type, body }, created ?? deps.clock.now().getTime());
}

function failedEntry(ctx: JobContext, now: number, what: { error: string; status: 'failed' | 'refused'; state: 'failed' | 'dead' }) {
  return { attempt: ctx.attempt, at: now, status: what.status, state: what.state, responseStatus: null, latencyMs: null, excerpt: null, error: what.error };
}

async function noteFailure(deps: DeliveryDeps, delivery: Delivery): Promise<void> {
  const disabled = await deps.store.noteFailure(delivery.webhookId, deps.disableAfter, deps.clock.now().getTime());
  if (!disabled) return;
  deps.logger.warn({ webhook: delivery.webhookId }, `webhooks: an endpoint was disabled after ${deps.disableAfter} failed attempts in a row`);
  await deps.onDisabled();
}
