import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, type Readable } from 'node:stream';
import sharp from 'sharp';
import type { BlobInfo, BlobStore } from '../../storage/types.js';
import { isAllowedThumb, parseThumbSize, ThumbMaker } from './thumbs.js';

describe('thumb sizes', () => {
  test('PocketBase formats parse; anything else does not', () => {
    assert.deepEqual(parseThumbSize('100x100'), { width: 100, height: 100, mode: 'center' });
    assert.deepEqual(parseThumbSize('70x50t'), { width: 70, height: 50, mode: 'top' });
    assert.deepEqual(parseThumbSize('70x50b'), { width: 70, height: 50, mode: 'bottom' });
    assert.deepEqual(parseThumbSize('70x50f'), { width: 70, height: 50, mode: 'fit' });
    assert.deepEqual(parseThumbSize('0x50'), { width: 0, height: 50, mode: 'center' });
    for (const bad of ['0x0', 'x50', '50x', '50x50z', ' 50x50', '-1x5', '123456x1', '']) assert.equal(parseThumbSize(bad), null, bad);
  });

  test('100x100 is always allowed, other sizes only when the field lists them', () => {
    assert.equal(isAllowedThumb('100x100', null), true);
    assert.equal(isAllowedThumb('50x50', null), false);
    assert.equal(isAllowedThumb('50x50', ['50x50']), true);
  });
});

/** A store whose reads are held until released, and whose writes are drained and recorded. */
function heldStore(): { store: BlobStore; release(data: Buffer): Promise<void>; written: string[] } {
  const held: PassThrough[] = [];
  let readStarted: () => void = () => {};
  const written: string[] = [];
  const info = (key: string): BlobInfo => ({ key, size: 0, contentType: 'image/png', modified: new Date(), etag: 'x' });
  const store: BlobStore = {
    async put(key: string, body: Readable) {
      for await (const _chunk of body) void _chunk;
      written.push(key);
      return info(key);
    },
    stat: async (key) => info(key),
    async get(key) {
      const body = new PassThrough();
      held.push(body);
      readStarted();
      return { ...info(key), body };
    },
    delete: async () => {},
    deletePrefix: async () => {},
    list: async function* () {},
    close: async () => {},
  };
  /** Ends the oldest held read, waiting for one to start if none has. */
  const release = async (data: Buffer) => {
    if (held.length === 0) await new Promise<void>((resolve) => (readStarted = resolve));
    held.shift()!.end(data);
  };
  return { store, written, release };
}

describe('ThumbMaker', () => {
  test('one generation per key; a request that cannot get a slot in time fails (the caller serves the original)', async () => {
    const png = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#ff0000' } }).png().toBuffer();
    const maker = new ThumbMaker({ maxConcurrent: 1, maxWaitMs: 50 });
    const { store, release, written } = heldStore();
    const size = { width: 10, height: 10, mode: 'center' as const };
    const first = maker.create(store, { source: 'a.png', target: 't/a', size });
    const same = maker.create(store, { source: 'a.png', target: 't/a', size });
    assert.equal(first, same);
    await assert.rejects(maker.create(store, { source: 'b.png', target: 't/b', size }), /waited too long/);
    await release(png);
    await first;
    assert.deepEqual(written, ['t/a']);
    // The slot is free again.
    const next = maker.create(store, { source: 'c.png', target: 't/c', size });
    await release(png);
    await next;
    assert.deepEqual(written, ['t/a', 't/c']);
  });
});
