// A webhook endpoint: where to send, which events, an optional condition on the record,
// its signing secrets. Input from the API is checked here into this one shape.
import type { Collection } from '../collections/model.js';
import { fieldError, ValidationError, type ErrorData } from '../errors/index.js';
import { generateWebhookSecret, isWebhookSecret } from './signature.js';

export interface WebhookSecret {
  readonly secret: string;
  /** When a rotated-out secret stops being used (epoch ms); null for the current one. */
  readonly expires: number | null;
}

export interface Webhook {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  /** Event patterns: `record.create`, `record.*`, `auth.login`, `order.paid`, `*`. */
  readonly events: readonly string[];
  /** Collection ids the record and auth events are limited to; empty for every collection. */
  readonly collections: readonly string[];
  /** A filter on the record (records and auth events only); '' for none. */
  readonly condition: string;
  readonly secrets: readonly WebhookSecret[];
  readonly enabled: boolean;
  /** Hidden fields are sent too (they are left out by default). */
  readonly includeHidden: boolean;
  /** Failed attempts since the last success. */
  readonly failures: number;
  readonly disabledReason: string;
  readonly created: number;
  readonly updated: number;
}

export const RECORD_EVENTS = ['record.create', 'record.update', 'record.delete'] as const;
export const AUTH_EVENTS = ['auth.login', 'auth.verified', 'auth.password_reset', 'auth.email_changed'] as const;
const EVENT_PATTERN = /^(\*|[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?)$/;
const MAX_NAME = 100;
const MAX_URL = 2000;
const MAX_EVENTS = 50;

/** Whether an endpoint's patterns take an event type. */
export function eventMatches(patterns: readonly string[], type: string): boolean {
  for (const pattern of patterns) {
    if (pattern === '*' || pattern === type) return true;
    if (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1))) return true;
  }
  return false;
}

/** Whether any of the patterns can take a record write's event (such writes then carry their deliveries). */
export function takesRecordEvents(patterns: readonly string[]): boolean {
  return RECORD_EVENTS.some((type) => eventMatches(patterns, type));
}

export interface WebhookInputContext {
  collection(ref: string): Collection | undefined;
  /** Throws (with a message) when the condition does not compile for the collection. */
  checkCondition(collection: Collection, condition: string): void;
  now: number;
}

/** Checks a create (no `current`) or update body into the endpoint to store; field errors in PocketBase's shape. */
export function webhookFromInput(
  body: Record<string, unknown>,
  context: WebhookInputContext,
  current?: Webhook,
): Omit<Webhook, 'id' | 'created' | 'failures'> & { failures?: number } {
  const errors: ErrorData = {};
  const pick = <T>(key: string, fallback: T): unknown => (key in body ? body[key] : fallback);

  // No text may hold a NUL: PostgreSQL cannot store one, and SQLite must not differ.
  const name = pick('name', current?.name ?? '');
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME || name.includes('\u0000')) {
    errors.name = fieldError('validation_required', `A name of 1 to ${MAX_NAME} characters is required.`);
  }
  const url = pick('url', current?.url ?? '');
  if (typeof url !== 'string' || !isHttpUrl(url) || url.length > MAX_URL || url.includes('\u0000')) {
    errors.url = fieldError('validation_invalid_url', 'Must be an http:// or https:// URL without credentials.');
  }
  const events = pick('events', current?.events ?? []);
  if (!Array.isArray(events) || events.length === 0 || events.length > MAX_EVENTS || !events.every((e) => typeof e === 'string' && EVENT_PATTERN.test(e))) {
    errors.events = fieldError('validation_invalid_events', 'A list of event types such as "record.create", "record.*", "auth.login", "order.paid" or "*".');
  }
  const collectionIds: string[] = [];
  const collectionsIn = pick('collections', current?.collections ?? []);
  if (!Array.isArray(collectionsIn) || !collectionsIn.every((c) => typeof c === 'string')) {
    errors.collections = fieldError('validation_invalid_collections', 'A list of collection names or ids.');
  } else {
    for (const ref of collectionsIn as string[]) {
      const found = context.collection(ref);
      if (!found) errors.collections = fieldError('validation_missing_collection', `Unknown collection "${ref}".`);
      else if (!collectionIds.includes(found.id)) collectionIds.push(found.id);
    }
  }
  const condition = pick('condition', current?.condition ?? '');
  if (typeof condition !== 'string' || condition.includes('\u0000')) {
    errors.condition = fieldError('validation_invalid_condition', 'Must be a filter expression (or empty).');
  } else if (condition.trim() !== '' && !errors.collections) {
    if (collectionIds.length === 0) {
      errors.condition = fieldError('validation_condition_needs_collections', 'A condition needs the collections it applies to.');
    }
    for (const id of collectionIds) {
      try {
        context.checkCondition(context.collection(id)!, condition);
      } catch (err) {
        errors.condition = fieldError('validation_invalid_condition', `Invalid condition for this collection: ${(err as Error).message}`);
      }
    }
  }
  const enabled = pick('enabled', current?.enabled ?? true);
  if (typeof enabled !== 'boolean') errors.enabled = fieldError('validation_invalid_bool', 'Must be true or false.');
  const includeHidden = pick('includeHidden', current?.includeHidden ?? false);
  if (typeof includeHidden !== 'boolean') errors.includeHidden = fieldError('validation_invalid_bool', 'Must be true or false.');
  let secrets = current?.secrets ?? [];
  if ('secret' in body) {
    if (typeof body.secret !== 'string' || !isWebhookSecret(body.secret)) {
      errors.secret = fieldError('validation_invalid_secret', 'Must be a whsec_ secret (base64 of 24 to 64 bytes).');
    } else {
      secrets = [{ secret: body.secret, expires: null }];
    }
  } else if (!current) {
    secrets = [{ secret: generateWebhookSecret(), expires: null }];
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors, 'Failed to save the webhook.');
  // Turning an endpoint back on clears what disabled it.
  const reenabled = enabled === true && current?.enabled === false;
  return {
    name: (name as string).trim(),
    url: url as string,
    events: events as string[],
    collections: collectionIds,
    condition: (condition as string).trim(),
    secrets,
    enabled: enabled as boolean,
    includeHidden: includeHidden as boolean,
    disabledReason: enabled ? '' : (current?.disabledReason ?? ''),
    updated: context.now,
    ...(reenabled ? { failures: 0 } : {}),
  };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

/** Secrets still in use at `now`: the current one first, then rotated-out ones not yet expired. */
export function activeSecrets(webhook: Webhook, now: number): string[] {
  return webhook.secrets.filter((s) => s.expires === null || s.expires > now).map((s) => s.secret);
}
