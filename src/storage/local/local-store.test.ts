// The local store: the shared BlobStore cases, plus what only a directory on disk can show
// (PocketBase's `.attrs` sidecars, no temporary files left behind, nothing outside the root).
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { blobStoreCases } from '../blob-store.case.js';
import { bodyOf, generatedBody, md5Hex } from '../blob-store-test-support.js';
import type { BlobStore } from '../types.js';
import { BlobTooLargeError, createLocalStore } from './local-store.js';
import { fixtureSkip, POCKETBASE_FIXTURE } from '../../../test/support/pocketbase-fixture.js';

const FIXTURE_STORAGE = POCKETBASE_FIXTURE ? join(POCKETBASE_FIXTURE, 'storage') : '';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

describe('BlobStore: local disk', () => {
  const parent = mkdtempSync(join(tmpdir(), 'plinth-local-store-'));
  const root = join(parent, 'storage');
  const store: BlobStore = createLocalStore(root);
  after(() => rmSync(parent, { recursive: true, force: true }));

  blobStoreCases(() => store, { large: { size: 20 * 1024 * 1024, memoryBudget: 8 * 1024 * 1024 } });

  test('writes a PocketBase .attrs sidecar beside each file', async () => {
    await store.put('col/rec/photo_abc.png', bodyOf('not really a png'), { contentType: 'image/png' });
    const attrs = JSON.parse(readFileSync(join(root, 'col/rec/photo_abc.png.attrs'), 'utf8')) as Record<string, unknown>;
    assert.equal(attrs['user.content_type'], 'image/png');
    assert.equal(attrs.md5, Buffer.from(md5Hex('not really a png'), 'hex').toString('base64'));
    const keys: string[] = [];
    for await (const key of store.list('col/rec/')) keys.push(key);
    assert.deepEqual(keys, ['col/rec/photo_abc.png'], 'sidecars are not keys');
  });

  test('failed uploads leave no temporary files on disk', async () => {
    await assert.rejects(store.put('tmpcheck/rec/a.bin', generatedBody(3 * 1024 * 1024).body, { contentType: 'x/y', maxSize: 1024 }), BlobTooLargeError);
    await assert.rejects(store.put('tmpcheck/rec/b.bin', generatedBody(1024 * 1024, { failAt: 200_000 }).body, { contentType: 'x/y' }));
    assert.deepEqual(filesUnder(join(root, 'tmpcheck')), []);
  });

  test('deletePrefix removes the emptied record folder', async () => {
    await store.put('dircheck/rec/a.txt', bodyOf('a'), { contentType: 'text/plain' });
    await store.put('dircheck/rec/thumbs_a.txt/10x10_a.txt', bodyOf('t'), { contentType: 'text/plain' });
    await store.deletePrefix('dircheck/rec/');
    assert.equal(existsSync(join(root, 'dircheck/rec')), false);
  });

  test('refused keys create nothing outside the root', async () => {
    await assert.rejects(store.put('../escaped.txt', bodyOf('x'), { contentType: 'text/plain' }));
    assert.equal(existsSync(join(parent, 'escaped.txt')), false);
  });
});

describe('BlobStore: local disk over a PocketBase storage directory', fixtureSkip(), () => {
  const root = mkdtempSync(join(tmpdir(), 'plinth-pb-storage-'));
  cpSync(FIXTURE_STORAGE, root, { recursive: true });
  const store = createLocalStore(root);
  after(() => rmSync(root, { recursive: true, force: true }));

  test('reads files PocketBase wrote, with their sidecar type and MD5', async () => {
    const keys: string[] = [];
    for await (const key of store.list('')) keys.push(key);
    const onDisk = filesUnder(root).filter((path) => !path.endsWith('.attrs'));
    assert.deepEqual(keys.sort(), onDisk);
    assert.ok(keys.length > 0);
    for (const key of keys) {
      const info = await store.stat(key);
      const bytes = readFileSync(join(root, key));
      assert.equal(info!.size, bytes.length, key);
      const sidecar = join(root, `${key}.attrs`);
      if (existsSync(sidecar)) {
        const attrs = JSON.parse(readFileSync(sidecar, 'utf8')) as { md5: string; 'user.content_type': string };
        assert.equal(info!.contentType, attrs['user.content_type'] || 'application/octet-stream', key);
        assert.equal(info!.etag, md5Hex(bytes), key);
      }
    }
  });
});
