import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { isAppError } from '../errors/index.js';
import { generateAppleClientSecret } from './apple-client-secret.js';

const clock = { now: () => new Date('2030-01-01T00:00:00Z') };

test('the secret is an ES256 JWT Apple can verify with the public key', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const secret = await generateAppleClientSecret(
    { clientId: 'com.example.web', teamId: 'TEAM123456', keyId: 'KEY1234567', privateKey: pem, duration: 3600 },
    clock,
  );
  assert.deepEqual(decodeProtectedHeader(secret), { alg: 'ES256', kid: 'KEY1234567' });
  const spki = await importSPKI(publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'ES256');
  const { payload } = await jwtVerify(secret, spki, { audience: 'https://appleid.apple.com', issuer: 'TEAM123456', currentDate: clock.now() });
  assert.equal(payload.sub, 'com.example.web');
  assert.equal(payload.exp! - payload.iat!, 3600);
});

test('invalid input is refused field by field, and a key of the wrong kind cleanly', async () => {
  await assert.rejects(
    generateAppleClientSecret({ clientId: '', teamId: '123', keyId: '', privateKey: 'nope', duration: -5 }, clock),
    (err) =>
      isAppError(err) &&
      err.message === 'Invalid client secret data.' &&
      JSON.stringify(Object.fromEntries(Object.entries(err.data).map(([k, v]) => [k, (v as { code: string }).code]))) ===
        JSON.stringify({
          clientId: 'validation_required',
          teamId: 'validation_length_invalid',
          keyId: 'validation_required',
          privateKey: 'validation_match_invalid',
          duration: 'validation_min_greater_equal_than_required',
        }),
  );
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const rsaPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  await assert.rejects(
    generateAppleClientSecret({ clientId: 'c', teamId: 'TEAM123456', keyId: 'KEY1234567', privateKey: rsaPem, duration: 60 }, clock),
    (err) => isAppError(err) && err.code === 'bad_request' && !/at |stack/i.test(err.message),
  );
});
