import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BlobStoreError } from '../errors.js';
import { isS3NotFound, s3Failure } from './s3-errors.js';

const answered = (name: string, status: number, message = 'service text with AKIAEXAMPLE') =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
const network = (code: string) => Object.assign(new Error(`connect ${code} 10.0.0.1:9000`), { code });

test('failures are classified by what the service or the network said', () => {
  const cases: Array<[unknown, BlobStoreError['failure']]> = [
    [network('ECONNREFUSED'), 'unreachable'],
    [network('ENOTFOUND'), 'unreachable'],
    [Object.assign(new Error('timeout'), { name: 'TimeoutError' }), 'unreachable'],
    [Object.assign(new Error('wrapped'), { cause: network('ECONNRESET') }), 'unreachable'],
    [network('DEPTH_ZERO_SELF_SIGNED_CERT'), 'unreachable'],
    [network('ERR_TLS_CERT_ALTNAME_INVALID'), 'unreachable'],
    [answered('AccessDenied', 403), 'denied'],
    [answered('InvalidAccessKeyId', 403), 'denied'],
    [answered('SignatureDoesNotMatch', 403), 'denied'],
    [answered('UnknownThing', 403), 'denied'],
    [answered('NoSuchBucket', 404), 'missing-bucket'],
    [answered('PermanentRedirect', 301), 'misconfigured'],
    [answered('AuthorizationHeaderMalformed', 400), 'misconfigured'],
    [answered('SlowDown', 503), 'failed'],
  ];
  for (const [err, failure] of cases) assert.equal(s3Failure(err).failure, failure, String(err));
});

test('messages are ours: no service text, no host, no key id', () => {
  const tls = s3Failure(network('CERT_HAS_EXPIRED'));
  assert.equal(tls.message, "The S3 endpoint's TLS certificate was not accepted.");
  const other = s3Failure(answered('SlowDown', 503));
  assert.equal(other.message, 'The S3 request failed (SlowDown, HTTP 503).');
  const odd = s3Failure(answered('weird code <script>', 500));
  assert.equal(odd.message, 'The S3 request failed (HTTP 500).');
  for (const err of [tls, other, odd, s3Failure(network('ECONNREFUSED')), s3Failure(answered('AccessDenied', 403))]) {
    assert.doesNotMatch(err.message, /AKIAEXAMPLE|10\.0\.0\.1|service text/);
    assert.ok(err.cause, 'the original stays on cause, for the log');
  }
  assert.equal(s3Failure(new Error('no code at all')).message, 'The S3 request failed.');
});

test('a missing object is not a failure; a missing bucket is', () => {
  assert.equal(isS3NotFound(answered('NotFound', 404)), true);
  assert.equal(isS3NotFound(answered('NoSuchKey', 404)), true);
  assert.equal(isS3NotFound(answered('NoSuchBucket', 404)), false);
  assert.equal(isS3NotFound(answered('AccessDenied', 403)), false);
});
