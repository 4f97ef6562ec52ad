// The shared case suite for the BlobStore port: every adapter must pass all of it.
// Registered by local/local-store.test.ts and s3/s3-store.test.ts. Each test works under
// a prefix of its own, so a store can be shared by the whole suite.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { BlobTooLargeError, InvalidBlobKeyError } from './errors.js';
import type { BlobStore } from './types.js';
import { bodyOf, BufferMemoryProbe, generatedBody, md5Hex, md5OfStream, readAll } from './blob-store-test-support.js';

const MiB = 1024 * 1024;

export interface BlobStoreCaseOptions {
  /** The large upload: its size, and how many bytes of buffers the store may hold at once for it. */
  large: { size: number; memoryBudget: number };
}

async function listAll(store: BlobStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  return keys.sort();
}

export function blobStoreCases(getStore: () => BlobStore, options: BlobStoreCaseOptions): void {
  const fresh = () => `case_${randomBytes(6).toString('hex')}`;

  test('put stores the bytes; stat and get describe them', async () => {
    const store = getStore();
    const key = `${fresh()}/rec/hello.txt`;
    const before = Date.now();
    const info = await store.put(key, bodyOf('hello world'), { contentType: 'text/plain' });
    assert.deepEqual({ ...info, modified: undefined }, { key, size: 11, contentType: 'text/plain', etag: md5Hex('hello world'), modified: undefined });
    assert.ok(Math.abs(info.modified.getTime() - before) < 60_000, 'modified is about now');
    const stat = await store.stat(key);
    assert.deepEqual(stat, info);
    const read = await store.get(key);
    assert.ok(read);
    assert.equal(read.size, 11);
    assert.equal(read.contentType, 'text/plain');
    assert.equal(read.etag, info.etag);
    assert.equal((await readAll(read.body)).toString(), 'hello world');
  });

  test('missing keys: stat and get give null, delete is a no-op', async () => {
    const store = getStore();
    const key = `${fresh()}/nothing.bin`;
    assert.equal(await store.stat(key), null);
    assert.equal(await store.get(key), null);
    await store.delete(key);
    assert.deepEqual(await listAll(store, `${key.split('/')[0]}/`), []);
  });

  test('a zero-byte file is a file', async () => {
    const store = getStore();
    const key = `${fresh()}/empty.txt`;
    const info = await store.put(key, bodyOf(''), { contentType: 'text/plain' });
    assert.equal(info.size, 0);
    assert.equal(info.etag, md5Hex(''));
    const read = await store.get(key);
    assert.equal((await readAll(read!.body)).length, 0);
  });

  test('get with a range returns those bytes and the whole size', async () => {
    const store = getStore();
    const key = `${fresh()}/digits.txt`;
    await store.put(key, bodyOf('0123456789'), { contentType: 'text/plain' });
    const middle = await store.get(key, { start: 2, end: 5 });
    assert.equal((await readAll(middle!.body)).toString(), '2345');
    assert.equal(middle!.size, 10);
    const last = await store.get(key, { start: 9, end: 9 });
    assert.equal((await readAll(last!.body)).toString(), '9');
    const first = await store.get(key, { start: 0, end: 0 });
    assert.equal((await readAll(first!.body)).toString(), '0');
  });

  test('put replaces the bytes, the type and the etag', async () => {
    const store = getStore();
    const key = `${fresh()}/doc`;
    const one = await store.put(key, bodyOf('first version'), { contentType: 'text/plain' });
    const two = await store.put(key, bodyOf('{"second":true}'), { contentType: 'application/json' });
    assert.notEqual(one.etag, two.etag);
    const stat = await store.stat(key);
    assert.deepEqual({ size: stat!.size, contentType: stat!.contentType, etag: stat!.etag }, { size: 15, contentType: 'application/json', etag: md5Hex('{"second":true}') });
    assert.equal((await readAll((await store.get(key))!.body)).toString(), '{"second":true}');
  });

  test('delete removes one key only', async () => {
    const store = getStore();
    const base = fresh();
    await store.put(`${base}/r/a.txt`, bodyOf('a'), { contentType: 'text/plain' });
    await store.put(`${base}/r/b.txt`, bodyOf('b'), { contentType: 'text/plain' });
    await store.delete(`${base}/r/a.txt`);
    assert.equal(await store.stat(`${base}/r/a.txt`), null);
    assert.equal(await store.get(`${base}/r/a.txt`), null);
    assert.deepEqual(await listAll(store, `${base}/`), [`${base}/r/b.txt`]);
  });

  test('list gives the keys under a prefix, nested ones included', async () => {
    const store = getStore();
    const base = fresh();
    const keys = [`${base}/rec1/a.png`, `${base}/rec1/thumbs_a.png/100x100_a.png`, `${base}/rec10/b.png`, `${base}/rec2/c.png`];
    for (const key of keys) await store.put(key, bodyOf(key), { contentType: 'image/png' });
    assert.deepEqual(await listAll(store, `${base}/rec1/`), [`${base}/rec1/a.png`, `${base}/rec1/thumbs_a.png/100x100_a.png`]);
    assert.deepEqual(await listAll(store, `${base}/rec1`), keys.slice(0, 3).sort());
    assert.deepEqual(await listAll(store, `${base}/`), [...keys].sort());
    assert.deepEqual(await listAll(store, `${base}/none/`), []);
  });

  test('deletePrefix removes everything under the prefix and nothing else', async () => {
    const store = getStore();
    const base = fresh();
    const doomed = Array.from({ length: 12 }, (_, i) => `${base}/rec1/file${i}.txt`);
    doomed.push(`${base}/rec1/thumbs_file0.txt/0x50_file0.txt`);
    for (const key of doomed) await store.put(key, bodyOf(key), { contentType: 'text/plain' });
    await store.put(`${base}/rec10/kept.txt`, bodyOf('kept'), { contentType: 'text/plain' });
    await store.deletePrefix(`${base}/rec1/`);
    assert.deepEqual(await listAll(store, `${base}/`), [`${base}/rec10/kept.txt`]);
    for (const key of doomed) assert.equal(await store.stat(key), null);
    await store.deletePrefix(`${base}/rec1/`);
  });

  test('a body over maxSize is refused and leaves nothing; the limit itself is allowed', async () => {
    const store = getStore();
    const base = fresh();
    await assert.rejects(store.put(`${base}/big.bin`, bodyOf(Buffer.alloc(1001)), { contentType: 'application/octet-stream', maxSize: 1000 }), BlobTooLargeError);
    assert.equal(await store.stat(`${base}/big.bin`), null);
    assert.deepEqual(await listAll(store, `${base}/`), []);
    const info = await store.put(`${base}/fits.bin`, bodyOf(Buffer.alloc(1000)), { contentType: 'application/octet-stream', maxSize: 1000 });
    assert.equal(info.size, 1000);
  });

  test('a refused replacement keeps the previous file', async () => {
    const store = getStore();
    const key = `${fresh()}/keep.txt`;
    await store.put(key, bodyOf('original'), { contentType: 'text/plain' });
    await assert.rejects(store.put(key, bodyOf(Buffer.alloc(50)), { contentType: 'image/png', maxSize: 10 }), BlobTooLargeError);
    const stat = await store.stat(key);
    assert.deepEqual({ contentType: stat!.contentType, etag: stat!.etag }, { contentType: 'text/plain', etag: md5Hex('original') });
    assert.equal((await readAll((await store.get(key))!.body)).toString(), 'original');
  });

  test('maxSize is enforced while streaming, past the first parts of a large body', async () => {
    const store = getStore();
    const base = fresh();
    const source = generatedBody(12 * MiB);
    await assert.rejects(store.put(`${base}/huge.bin`, source.body, { contentType: 'application/octet-stream', maxSize: 6 * MiB }), BlobTooLargeError);
    // The store stopped reading soon after the limit instead of draining the whole body.
    assert.ok(source.produced() < 12 * MiB, `read ${source.produced()} bytes`);
    assert.equal(await store.stat(`${base}/huge.bin`), null);
    assert.deepEqual(await listAll(store, `${base}/`), []);
  });

  for (const failAt of [3000, 7 * MiB]) {
    test(`a body that errors after ${failAt} bytes rejects the put and leaves nothing`, async () => {
      const store = getStore();
      const base = fresh();
      const source = generatedBody(10 * MiB, { failAt });
      await assert.rejects(store.put(`${base}/cut.bin`, source.body, { contentType: 'application/octet-stream' }), /the client went away/);
      assert.equal(await store.stat(`${base}/cut.bin`), null);
      assert.deepEqual(await listAll(store, `${base}/`), []);
    });
  }

  test('keys that could escape the store, or are not keys, are refused', async () => {
    const store = getStore();
    const bad = ['../outside.txt', 'a/../../outside.txt', 'a/..', 'a/b\0c.txt', '', '/abs.txt', 'a//b.txt', 'a/./b.txt', `${'x'.repeat(1100)}.txt`];
    for (const key of bad) {
      const name = JSON.stringify(key.slice(0, 40));
      await assert.rejects(store.put(key, bodyOf('x'), { contentType: 'text/plain' }), InvalidBlobKeyError, `put ${name}`);
      await assert.rejects(store.stat(key), InvalidBlobKeyError, `stat ${name}`);
      await assert.rejects(store.get(key), InvalidBlobKeyError, `get ${name}`);
      await assert.rejects(store.delete(key), InvalidBlobKeyError, `delete ${name}`);
    }
    for (const prefix of ['../', 'a/../../', 'a\0/', '/']) {
      await assert.rejects(store.deletePrefix(prefix), InvalidBlobKeyError, `deletePrefix ${JSON.stringify(prefix)}`);
      await assert.rejects(listAll(store, prefix), InvalidBlobKeyError, `list ${JSON.stringify(prefix)}`);
    }
  });

  test('concurrent puts to one key leave one whole upload, with its own type and etag', async () => {
    const store = getStore();
    const key = `${fresh()}/contended.txt`;
    const versions = Array.from({ length: 8 }, (_, i) => ({ bytes: `version ${i} `.repeat(2000 + i * 97), type: `text/x-v${i}` }));
    await Promise.all(versions.map((v) => store.put(key, bodyOf(v.bytes), { contentType: v.type })));
    const stat = await store.stat(key);
    const content = (await readAll((await store.get(key))!.body)).toString();
    const winner = versions.find((v) => v.bytes === content);
    assert.ok(winner, 'the content is one of the uploads, whole');
    assert.deepEqual({ size: stat!.size, contentType: stat!.contentType, etag: stat!.etag }, { size: winner.bytes.length, contentType: winner.type, etag: md5Hex(winner.bytes) });
    assert.deepEqual(await listAll(store, key), [key]);
  });

  test('a large body streams through without being held whole', async () => {
    const store = getStore();
    const key = `${fresh()}/large.bin`;
    const { size, memoryBudget } = options.large;
    const probe = new BufferMemoryProbe();
    let chunks = 0;
    // Sampling every 16 chunks (1 MiB) keeps forced collections affordable.
    const source = generatedBody(size, { onChunk: () => ++chunks % 16 === 0 && probe.sample() });
    const info = await store.put(key, source.body, { contentType: 'application/octet-stream' });
    assert.equal(info.size, size);
    assert.ok(probe.peak < memoryBudget, `held up to ${(probe.peak / MiB).toFixed(1)} MiB while uploading ${size / MiB} MiB`);
    const read = await store.get(key);
    assert.deepEqual(await md5OfStream(read!.body), { md5: source.md5(), size });
    const tail = await store.get(key, { start: size - 10, end: size - 1 });
    assert.equal((await readAll(tail!.body)).length, 10);
    await store.delete(key);
  });
}
