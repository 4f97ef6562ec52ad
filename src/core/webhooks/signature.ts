// Webhook signatures in the Standard Webhooks format, so receivers can verify deliveries
// with any of that format's libraries. A message is signed over `${id}.${timestamp}.${body}`:
// the id lets a receiver drop duplicates, the timestamp lets it refuse replays, and both are
// covered by the signature so neither can be swapped.
import { createHmac, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
const NEW_SECRET_BYTES = 32;
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface WebhookMessage {
  id: string;
  /** Integer seconds since the epoch. */
  timestampSeconds: number;
  body: string;
}

export interface WebhookSignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** A new secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(NEW_SECRET_BYTES).toString('base64');
}

/** The HMAC key of a secret, or null when the secret is malformed. */
function secretKey(value: string): Buffer | null {
  if (!value.startsWith(SECRET_PREFIX)) return null;
  const encoded = value.slice(SECRET_PREFIX.length);
  if (!BASE64.test(encoded) || encoded.length % 4 !== 0) return null;
  const key = Buffer.from(encoded, 'base64');
  // Node's decoder skips what it cannot read; re-encoding shows whether it read everything.
  if (key.toString('base64') !== encoded) return null;
  return key.length >= MIN_KEY_BYTES && key.length <= MAX_KEY_BYTES ? key : null;
}

/** True when the text is a well-formed `whsec_…` secret whose key decodes to 24..64 bytes. */
export function isWebhookSecret(value: string): boolean {
  return secretKey(value) !== null;
}

/**
 * The three headers for one message, signed with every given secret. Signing with the
 * current and the previous secret while a secret is rotated lets receivers switch at
 * their own pace: either secret verifies the message.
 */
export function signWebhook(message: WebhookMessage, secrets: readonly string[]): WebhookSignatureHeaders {
  const { id, timestampSeconds, body } = message;
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new RangeError('webhook timestamp must be a non-negative integer number of seconds');
  }
  if (secrets.length === 0) throw new RangeError('a webhook needs at least one signing secret');
  const content = `${id}.${timestampSeconds}.${body}`;
  const signatures = secrets.map((secret, index) => {
    const key = secretKey(secret);
    // The secret itself stays out of the message: errors end up in logs.
    if (!key) throw new RangeError(`webhook secret #${index + 1} is not a whsec_ secret of 24 to 64 bytes`);
    return `v1,${createHmac('sha256', key).update(content, 'utf8').digest('base64')}`;
  });
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': signatures.join(' ') };
}
