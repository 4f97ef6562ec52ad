// The S3 store against a real S3 protocol server (s3rver on a local port): the shared
// BlobStore cases, plus what only S3 shows (pages of keys, refused credentials, a missing
// bucket, an endpoint nobody listens on).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestS3, type TestS3 } from '../../../test/support/s3.js';
import { freePort } from '../../../test/support/server.js';
import { blobStoreCases } from '../blob-store.case.js';
import { bodyOf } from '../blob-store-test-support.js';
import { BlobStoreError } from '../errors.js';
import type { BlobStore } from '../types.js';
import { createS3Store } from './s3-store.js';

const MiB = 1024 * 1024;

async function failureOf(promise: Promise<unknown>): Promise<BlobStoreError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof BlobStoreError, `expected a BlobStoreError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}

describe('BlobStore: S3 (s3rver)', () => {
  let s3: TestS3;
  let store: BlobStore;
  before(async () => {
    s3 = await startTestS3();
    // Small pages, so listing and batch deletes cross page boundaries.
    store = createS3Store(s3.settings(), { pageSize: 5 });
  });
  after(async () => {
    await store.close();
    await s3.stop();
  });

  // Two 5 MiB parts in flight, the part being filled and the copies the SDK makes of it.
  blobStoreCases(() => store, { large: { size: 40 * MiB, memoryBudget: 32 * MiB } });

  test('lists more keys than one page holds', async () => {
    const keys = Array.from({ length: 13 }, (_, i) => `paged/rec/f${String(i).padStart(2, '0')}.txt`);
    for (const key of keys) await store.put(key, bodyOf(key), { contentType: 'text/plain' });
    const listed: string[] = [];
    for await (const key of store.list('paged/')) listed.push(key);
    assert.deepEqual(listed.sort(), keys);
  });

  test('an unknown access key is reported as refused credentials, without the service text', async () => {
    const wrong = createS3Store(s3.settings({ accessKey: 'NOT-A-KEY' }));
    try {
      const err = await failureOf(wrong.put('denied/rec/a.txt', bodyOf('a'), { contentType: 'text/plain' }));
      assert.equal(err.failure, 'denied');
      assert.doesNotMatch(err.message, /NOT-A-KEY|does not exist in our records/i);
    } finally {
      await wrong.close();
    }
    assert.equal(await store.stat('denied/rec/a.txt'), null);
  });

  test('a missing bucket is named as such', async () => {
    const missing = createS3Store(s3.settings({ bucket: 'no-such-bucket' }));
    try {
      assert.equal((await failureOf(missing.put('x/y/z.txt', bodyOf('z'), { contentType: 'text/plain' }))).failure, 'missing-bucket');
    } finally {
      await missing.close();
    }
  });

  test('an endpoint nobody listens on is unreachable', async () => {
    const port = await freePort();
    const closed = createS3Store(s3.settings({ endpoint: `http://127.0.0.1:${port}` }));
    try {
      const err = await failureOf(closed.stat('x/y/z.txt'));
      assert.equal(err.failure, 'unreachable');
      assert.equal(err.message, 'The S3 endpoint could not be reached.');
    } finally {
      await closed.close();
    }
  });
});
