// A realtime subscription as the client sends it: `collection/*` (list rule) or
// `collection/recordId` (view rule), optionally followed by `?options=<json>` carrying
// `query` and `headers`. The exact string is kept: it is the event name sent back.
import { AppError, fieldError, type ErrorData } from '../errors/index.js';

export const MAX_SUBSCRIPTIONS = 1000;
export const MAX_SUBSCRIPTION_LENGTH = 2500;
export const MAX_CLIENT_ID_LENGTH = 255;

export interface SubscriptionOptions {
  query: Record<string, string>;
  headers: Record<string, string>;
}

export interface Subscription {
  /** The exact string the client subscribed with. */
  topic: string;
  /** The part before `?`: `collection/*` or `collection/id` (or a custom topic). */
  path: string;
  /** For `ref/rest` paths: the collection name or id, and `*` or a record id; else null. */
  collectionRef: string | null;
  recordRef: string;
  options: SubscriptionOptions;
}

export function parseSubscription(topic: string): Subscription {
  const q = topic.indexOf('?');
  const path = q === -1 ? topic : topic.slice(0, q);
  const options: SubscriptionOptions = { query: {}, headers: {} };
  if (q !== -1) {
    const raw = new URLSearchParams(topic.slice(q + 1)).get('options');
    if (raw) readOptions(raw, options);
  }
  const slash = path.indexOf('/');
  const collectionRef = slash === -1 ? null : path.slice(0, slash);
  const recordRef = slash === -1 ? '' : path.slice(slash + 1);
  return { topic, path, collectionRef, recordRef, options };
}

/** Malformed options are ignored, as PocketBase does (the subscription still applies). */
function readOptions(raw: string, into: SubscriptionOptions): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return;
  }
  if (!isPlainObject(parsed)) return;
  for (const key of ['query', 'headers'] as const) {
    const part = parsed[key];
    if (!isPlainObject(part)) continue;
    for (const [name, value] of Object.entries(part)) {
      // Rules read headers lower-cased with `_` for `-`, as they do on HTTP requests.
      const normalised = key === 'headers' ? name.toLowerCase().replaceAll('-', '_') : name;
      into[key][normalised] = typeof value === 'string' ? value : JSON.stringify(value);
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Validates `POST /api/realtime`'s body; the messages and limits are PocketBase's. */
export function parseSetSubscriptionsBody(body: Record<string, unknown>): { clientId: string; subscriptions: string[] } {
  const errors: ErrorData = {};
  const clientId = typeof body.clientId === 'string' ? body.clientId : '';
  if (clientId === '') errors.clientId = fieldError('validation_required', 'Cannot be blank.');
  else if (clientId.length > MAX_CLIENT_ID_LENGTH) {
    errors.clientId = fieldError('validation_length_out_of_range', `The length must be between 1 and ${MAX_CLIENT_ID_LENGTH}.`, {
      min: 1,
      max: MAX_CLIENT_ID_LENGTH,
    });
  }
  const raw = body.subscriptions ?? [];
  if (!Array.isArray(raw) || raw.some((s) => typeof s !== 'string')) {
    throw new AppError('bad_request', 'An error occurred while loading the submitted data.');
  }
  const subscriptions = raw as string[];
  if (subscriptions.length > MAX_SUBSCRIPTIONS) {
    errors.subscriptions = fieldError('validation_length_too_long', `The length must be no more than ${MAX_SUBSCRIPTIONS}.`, {
      max: MAX_SUBSCRIPTIONS,
    });
  } else {
    const tooLong = subscriptions.findIndex((s) => s.length > MAX_SUBSCRIPTION_LENGTH);
    if (tooLong !== -1) {
      errors.subscriptions = {
        [String(tooLong)]: fieldError('validation_length_too_long', `The length must be no more than ${MAX_SUBSCRIPTION_LENGTH}.`, {
          max: MAX_SUBSCRIPTION_LENGTH,
        }),
      };
    }
  }
  if (Object.keys(errors).length > 0) throw new AppError('bad_request', 'An error occurred while validating the submitted data.', errors);
  return { clientId, subscriptions };
}
