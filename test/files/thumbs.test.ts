// Thumbnails on both engines: sizes and crop modes, which requests get one, generation once
// under concurrent requests (then served from the store), the first GIF frame, and a
// decompression bomb that must fall back to the original without taking the process down.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { BlobStore } from '../../src/storage/types.js';
import { FILES, RECORD_ID, startFilesApp, type FilesApp } from './serving-fixture.js';

type Rgb = [number, number, number];

async function pixel(image: Buffer, x: number, y: number): Promise<Rgb> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [data[at]!, data[at + 1]!, data[at + 2]!];
}

const isRed = ([r, g, b]: Rgb) => r > 200 && g < 60 && b < 60;
const isBlue = ([r, g, b]: Rgb) => b > 200 && r < 60 && g < 60;

/** Counts the store's writes per key (the app reads the same store object on each request). */
function countPuts(store: BlobStore): Map<string, number> {
  const counts = new Map<string, number>();
  const original = store.put.bind(store);
  store.put = (key, body, options) => {
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return original(key, body, options);
  };
  return counts;
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`thumbnails [${dialect}]`, () => {
    let f: FilesApp;
    let puts: Map<string, number>;
    const thumbUrl = (name: string, size: string) => `${f.t.url}/api/files/docs/${RECORD_ID}/${name}?thumb=${size}`;
    const get = async (name: string, size: string) => {
      const res = await fetch(thumbUrl(name, size));
      assert.equal(res.status, 200, `${name} ${size}`);
      return { res, body: Buffer.from(await res.arrayBuffer()) };
    };
    const thumbKey = (name: string, size: string) => `${f.collectionId}/${RECORD_ID}/thumbs_${name}/${size}_${name}`;

    before(async () => {
      f = await startFilesApp(dialect);
      puts = countPuts(f.t.app.core.files.current());
    });
    after(async () => {
      await f.t.close();
    });

    test('sizes and crop modes (the original is 200×300, red above blue)', async () => {
      const expected: [string, number, number][] = [
        ['100x100', 100, 100],
        ['50x50', 50, 50],
        ['40x0', 40, 60],
        ['0x30', 20, 30],
        ['60x30t', 60, 30],
        ['60x30b', 60, 30],
        ['60x30', 60, 30],
        ['60x30f', 20, 30],
        ['500x500f', 200, 300],
      ];
      for (const [size, width, height] of expected) {
        const { res, body } = await get(FILES.png, size);
        assert.equal(res.headers.get('content-type'), 'image/png', size);
        assert.equal(res.headers.get('content-disposition'), `inline; filename=${size}_${FILES.png}`, size);
        const meta = await sharp(body).metadata();
        assert.deepEqual([meta.width, meta.height], [width, height], size);
        assert.equal(puts.get(thumbKey(FILES.png, size)), 1, size);
      }
      const top = (await get(FILES.png, '60x30t')).body;
      assert.ok(isRed(await pixel(top, 30, 1)) && isRed(await pixel(top, 30, 28)));
      const bottom = (await get(FILES.png, '60x30b')).body;
      assert.ok(isBlue(await pixel(bottom, 30, 1)) && isBlue(await pixel(bottom, 30, 28)));
      const centre = (await get(FILES.png, '60x30')).body;
      assert.ok(isRed(await pixel(centre, 30, 1)) && isBlue(await pixel(centre, 30, 28)));
    });

    test('sizes the field does not list, bad sizes and non-images get the original', async () => {
      for (const size of ['99x99', '10x10', 'abc', '0x0', '100x100x', '']) {
        const { res, body } = await get(FILES.png, size);
        assert.deepEqual(body, f.png, size);
        assert.equal(res.headers.get('content-disposition'), `inline; filename=${FILES.png}`, size);
      }
      const text = await fetch(`${f.t.url}/api/files/docs/${RECORD_ID}/${FILES.text}?thumb=100x100`);
      assert.equal(text.headers.get('content-disposition'), `attachment; filename=${FILES.text}`);
      assert.equal((await text.text()).startsWith('hello'), true);
      const svg = await fetch(`${f.t.url}/api/files/docs/${RECORD_ID}/${FILES.svg}?thumb=100x100`);
      assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
      await svg.text();
      const made = [...puts.keys()].filter((key) => key.includes(`thumbs_${FILES.text}`) || key.includes(`thumbs_${FILES.svg}`) || key.includes('/99x99_'));
      assert.deepEqual(made, []);
    });

    test('concurrent first requests make the thumb once; later ones read it from the store', async () => {
      const size = '70x70';
      const key = thumbKey(FILES.png, size);
      assert.equal(puts.get(key), undefined);
      const bodies = await Promise.all(Array.from({ length: 12 }, () => get(FILES.png, size).then((r) => r.body)));
      assert.equal(puts.get(key), 1);
      for (const body of bodies) assert.deepEqual(body, bodies[0]);
      const again = await get(FILES.png, size);
      assert.deepEqual(again.body, bodies[0]);
      assert.equal(puts.get(key), 1);
      const stored = await f.t.app.core.files.current().stat(key);
      assert.equal(stored?.size, bodies[0]!.length);
      // Cached thumbs have validators of their own.
      const cached = await fetch(thumbUrl(FILES.png, size), { headers: { 'if-none-match': again.res.headers.get('etag')! } });
      assert.equal(cached.status, 304);
    });

    test('a GIF thumb is a GIF of the first frame', async () => {
      const { res, body } = await get(FILES.gif, '50x50');
      assert.equal(res.headers.get('content-type'), 'image/gif');
      const meta = await sharp(body).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height, meta.pages ?? 1], ['gif', 50, 50, 1]);
      const [r, g, b] = await pixel(body, 25, 25);
      assert.ok(g > 200 && r < 60 && b < 60, `first frame is green, got ${r},${g},${b}`);
    });

    test('a decompression bomb gets no thumb: the original is served and the server carries on', async () => {
      const before = process.memoryUsage().rss;
      const res = await fetch(thumbUrl(FILES.bomb, '100x100'));
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-disposition'), `inline; filename=${FILES.bomb}`);
      const body = Buffer.from(await res.arrayBuffer());
      assert.equal(body.readUInt32BE(16), 100_000);
      assert.equal(await f.t.app.core.files.current().stat(thumbKey(FILES.bomb, '100x100')), null);
      assert.ok(process.memoryUsage().rss - before < 200 * 1024 * 1024);
      assert.equal((await fetch(`${f.t.url}/api/health`)).status, 200);
    });

    test('a valid image over the pixel budget (7000×7000) gets no thumb either', async () => {
      const res = await fetch(thumbUrl(FILES.huge, '100x100'));
      assert.equal(res.status, 200);
      const meta = await sharp(Buffer.from(await res.arrayBuffer()), { limitInputPixels: false }).metadata();
      assert.deepEqual([meta.width, meta.height], [7000, 7000]);
      assert.equal(await f.t.app.core.files.current().stat(thumbKey(FILES.huge, '100x100')), null);
    });
  });
}
