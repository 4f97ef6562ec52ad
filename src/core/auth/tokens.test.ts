import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readUnverifiedClaims, signToken, verifyToken } from './tokens.js';

const at = (iso: string) => ({ now: () => new Date(iso) });

test('a signed token verifies with the same key and carries its claims', async () => {
  const token = await signToken({ type: 'auth', id: 'abc', collectionId: 'c1', refreshable: true }, 'k1', {
    durationSeconds: 60,
    clock: at('2030-01-01T00:00:00Z'),
  });
  const claims = await verifyToken(token, 'k1', at('2030-01-01T00:00:30Z'));
  assert.equal(claims?.id, 'abc');
  assert.equal(claims?.refreshable, true);
  assert.equal(claims?.exp, Date.parse('2030-01-01T00:01:00Z') / 1000);
});

test('a wrong key, an expired token and an empty key are refused', async () => {
  const token = await signToken({ type: 'auth', id: 'abc', collectionId: 'c1' }, 'k1', {
    durationSeconds: 60,
    clock: at('2030-01-01T00:00:00Z'),
  });
  assert.equal(await verifyToken(token, 'k2', at('2030-01-01T00:00:10Z')), null);
  assert.equal(await verifyToken(token, 'k1', at('2030-01-01T00:02:00Z')), null);
  assert.equal(await verifyToken(token, '', at('2030-01-01T00:00:10Z')), null);
});

test('tokens minted by PocketBase for its fixture verify with the same key recipe', async () => {
  // A PocketBase test token for users/4q1xlclmfloku33 (exp 2050); key = tokenKey + authToken secret.
  const token =
    'eyJhbGciOiJIUzI1NiJ9.eyJpZCI6IjRxMXhsY2xtZmxva3UzMyIsInR5cGUiOiJhdXRoIiwiY29sbGVjdGlvbklkIjoiX3BiX3VzZXJzX2F1dGhfIiwiZXhwIjoyNTI0NjA0NDYxLCJyZWZyZXNoYWJsZSI6dHJ1ZX0.ZT3F0Z3iM-xbGgSG3LEKiEzHrPHr8t8IuHLZGGNuxLo';
  const claims = readUnverifiedClaims(token);
  assert.deepEqual(
    { id: claims?.id, type: claims?.type, collectionId: claims?.collectionId },
    { id: '4q1xlclmfloku33', type: 'auth', collectionId: '_pb_users_auth_' },
  );
  assert.equal(await verifyToken(token, 'wrong', at('2030-01-01T00:00:00Z')), null);
  const tokenKey = 'tfYe7rCTX4D2KuWQY3pJjBifgsrMbecyXBatEPjrSfGEGS2jh6';
  const secret = 'PjVU4hAV7CZIWbCByJHkDcMUlSEWCLI6M5aWSZOpEq0a3rYxKT';
  const verified = await verifyToken(token, tokenKey + secret, at('2030-01-01T00:00:00Z'));
  assert.equal(verified?.id, '4q1xlclmfloku33');
});

test('garbage and unknown token types have no claims', () => {
  assert.equal(readUnverifiedClaims('not-a-token'), null);
  assert.equal(readUnverifiedClaims(''), null);
  const noneType = 'eyJhbGciOiJIUzI1NiJ9.' + Buffer.from(JSON.stringify({ id: 'a', collectionId: 'b', type: 'admin' })).toString('base64url') + '.x';
  assert.equal(readUnverifiedClaims(noneType), null);
});

test('alg none, other algorithms, tampered payloads and tokens without exp are refused', async () => {
  const clock = at('2030-01-01T00:00:00Z');
  const token = await signToken({ type: 'auth', id: 'abc', collectionId: 'c1' }, 'k1', { durationSeconds: 60, clock });
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

  const none = `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`;
  assert.equal(await verifyToken(none, 'k1', clock), null);
  const otherAlg = `${b64({ alg: 'HS512', typ: 'JWT' })}.${payload}.${signature}`;
  assert.equal(await verifyToken(otherAlg, 'k1', clock), null);
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const tampered = `${header}.${b64({ ...claims, id: 'someone-else' })}.${signature}`;
  assert.equal(await verifyToken(tampered, 'k1', clock), null);

  // A correctly signed token without `exp` never verifies.
  const { createHmac } = await import('node:crypto');
  const body = `${header}.${b64({ type: 'auth', id: 'abc', collectionId: 'c1' })}`;
  const noExp = `${body}.${createHmac('sha256', 'k1').update(body).digest('base64url')}`;
  assert.equal(await verifyToken(noExp, 'k1', clock), null);
  assert.equal((await verifyToken(token, 'k1', clock))?.id, 'abc');
});
