import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { generateWebhookSecret, isWebhookSecret, signWebhook } from './signature.js';
import type { WebhookSignatureHeaders } from './signature.js';

// The independent implementation checks timestamps against its own clock (±5 minutes).
const nowSeconds = () => Math.floor(Date.now() / 1000);

function verifies(secret: string, body: string, headers: WebhookSignatureHeaders): boolean {
  try {
    new Webhook(secret).verify(body, headers, { jsonParse: false });
    return true;
  } catch (error) {
    if (error instanceof WebhookVerificationError) return false;
    throw error;
  }
}

test('new secrets are well formed, 32 bytes and different each time', () => {
  const a = generateWebhookSecret();
  const b = generateWebhookSecret();
  assert.match(a, /^whsec_[A-Za-z0-9+/]{43}=$/);
  assert.equal(Buffer.from(a.slice('whsec_'.length), 'base64').length, 32);
  assert.notEqual(a, b);
  assert.ok(isWebhookSecret(a));
});

test('isWebhookSecret accepts keys of 24 to 64 bytes in strict base64 only', () => {
  const secretOf = (bytes: number) => `whsec_${Buffer.alloc(bytes, 7).toString('base64')}`;
  for (const ok of [secretOf(24), secretOf(32), secretOf(64)]) assert.ok(isWebhookSecret(ok), ok);
  const valid = secretOf(32);
  for (const bad of [
    secretOf(23),
    secretOf(65),
    valid.slice('whsec_'.length),
    `WHSEC_${valid.slice(6)}`,
    `${valid}x`,
    `${valid.slice(0, -1)}`,
    `whsec_${Buffer.alloc(32, 7).toString('base64url')}_-`,
    `${valid.slice(0, 10)} ${valid.slice(10)}`,
    'whsec_',
    '',
  ]) {
    assert.ok(!isWebhookSecret(bad), bad);
  }
});

test('a message signed with two secrets verifies with either one alone', () => {
  const current = generateWebhookSecret();
  const previous = generateWebhookSecret();
  const message = { id: 'msg_2Lz1', timestampSeconds: nowSeconds(), body: '{"event":"record.create","id":"abc"}' };
  const headers = signWebhook(message, [current, previous]);
  assert.equal(headers['webhook-id'], 'msg_2Lz1');
  assert.equal(headers['webhook-timestamp'], String(message.timestampSeconds));
  assert.match(headers['webhook-signature'], /^v1,[A-Za-z0-9+/]{43}= v1,[A-Za-z0-9+/]{43}=$/);
  assert.ok(verifies(current, message.body, headers));
  assert.ok(verifies(previous, message.body, headers));
  assert.ok(verifies(current, message.body, signWebhook(message, [current])));
});

test('a tampered body, id or timestamp, or a wrong secret, fails verification', () => {
  const secret = generateWebhookSecret();
  const message = { id: 'msg_1', timestampSeconds: nowSeconds(), body: '{"n":1}' };
  const headers = signWebhook(message, [secret]);
  assert.ok(verifies(secret, message.body, headers));
  assert.ok(!verifies(secret, '{"n":2}', headers));
  assert.ok(!verifies(secret, message.body, { ...headers, 'webhook-id': 'msg_2' }));
  assert.ok(!verifies(secret, message.body, { ...headers, 'webhook-timestamp': String(message.timestampSeconds - 1) }));
  assert.ok(!verifies(generateWebhookSecret(), message.body, headers));
});

test('the signature is the one the reference implementation computes', () => {
  const secret = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
  const headers = signWebhook({ id: 'm', timestampSeconds: 1700000000, body: 'b' }, [secret]);
  const expected = new Webhook(secret).sign('m', new Date(1700000000 * 1000), 'b');
  assert.equal(headers['webhook-signature'], expected);
});

test('bad input is refused without echoing the secret', () => {
  const message = { id: 'm', timestampSeconds: nowSeconds(), body: '' };
  assert.throws(() => signWebhook(message, []), /at least one/);
  assert.throws(() => signWebhook({ ...message, timestampSeconds: 1.5 }, [generateWebhookSecret()]), /integer/);
  const leaked = 'whsec_c2hvcnQ=';
  assert.throws(
    () => signWebhook(message, [generateWebhookSecret(), leaked]),
    (error: Error) => error.message.includes('#2') && !error.message.includes(leaked),
  );
});

test('any id and body sign and verify with every secret used', () => {
  fc.assert(
    fc.property(
      fc.string({ minLength: 1, unit: 'binary' }),
      fc.string({ unit: 'binary' }),
      fc.integer({ min: 1, max: 3 }),
      (id, body, count) => {
        const secrets = Array.from({ length: count }, generateWebhookSecret);
        const headers = signWebhook({ id, timestampSeconds: nowSeconds(), body }, secrets);
        return secrets.every((secret) => verifies(secret, body, headers));
      },
    ),
    { numRuns: 200 },
  );
});
