// Uploads at the edges, on both databases: batch writes with files (and a failing batch that
// must leave none), a body cut off half way, thousands of parts, and a large upload that
// must stream instead of filling memory.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { once } from 'node:events';
import { request } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ClientResponseError } from 'pocketbase';
import { startUploadApp, textFile, type UploadApp } from './upload-fixture.js';

const BOUNDARY = 'plinthTestBoundary42';

/** The upload temp directories now present (other suites running alongside make their own). */
async function tempUploadDirs(): Promise<Set<string>> {
  return new Set((await readdir(tmpdir())).filter((name) => name.startsWith('plinth-upload-')));
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.fail(`condition not met: ${what}`);
}

async function recordCount(u: UploadApp): Promise<number> {
  return (await u.pb.collection('docs').getList(1, 1)).totalItems;
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`file uploads at the edges [${dialect}]`, () => {
    let u: UploadApp;
    before(async () => {
      u = await startUploadApp(dialect);
    });
    after(async () => {
      await u?.t.close();
    });

    test('a batch with files applies each file part to its sub-request', async () => {
      const seed = await u.guest.collection('docs').create({ attachments: [textFile('keep', 'keep.txt')] });
      const batch = u.guest.createBatch();
      batch.collection('docs').create({ title: 'one', cover: textFile('first', 'first.txt') });
      batch.collection('docs').update(seed.id, { 'attachments+': [textFile('more', 'more.txt')] });
      const results = await batch.send();
      assert.deepEqual(results.map((r) => r.status), [200, 200]);
      const created = results[0]!.body as { id: string; cover: string };
      assert.match(created.cover, /^first_[a-z0-9]{10}\.txt$/);
      const updated = results[1]!.body as { attachments: string[] };
      assert.equal(updated.attachments.length, 2);
      assert.equal(updated.attachments[0], (seed.attachments as string[])[0]);
      assert.deepEqual(await u.keys(`${u.collectionId}/${created.id}/`), [`${u.collectionId}/${created.id}/${created.cover}`]);
      assert.equal((await u.keys(`${u.collectionId}/${seed.id}/`)).length, 2);
      // `requests[N].field` is read too.
      const form = new FormData();
      form.set('@jsonPayload', JSON.stringify({ requests: [{ method: 'POST', url: '/api/collections/docs/records', body: { title: 'brackets' } }] }));
      form.set('requests[0].cover', textFile('br', 'brackets.txt'));
      const res = await fetch(`${u.t.url}/api/batch`, { method: 'POST', body: form });
      assert.equal(res.status, 200);
      const [one] = (await res.json()) as Array<{ body: { cover: string } }>;
      assert.match(one!.body.cover, /^brackets_[a-z0-9]{10}\.txt$/);
    });

    test('a failed batch leaves no files and no rows', async () => {
      const keysBefore = await u.keys();
      const countBefore = await recordCount(u);
      const batch = u.guest.createBatch();
      batch.collection('docs').create({ title: 'stored then rolled back', cover: textFile('gone', 'gone.txt') });
      batch.collection('docs').create({ attachments: [textFile('1', 'a1.txt'), textFile('2', 'a2.txt'), textFile('3', 'a3.txt'), textFile('4', 'a4.txt')] });
      await assert.rejects(batch.send(), (err: unknown) => {
        assert.ok(err instanceof ClientResponseError);
        assert.equal(err.status, 400);
        const failed = (err.response.data as { requests: Record<string, { response: { data: Record<string, { code: string }> } }> }).requests['1']!;
        assert.equal(failed.response.data.attachments!.code, 'validation_too_many_files');
        return true;
      });
      assert.deepEqual(await u.keys(), keysBefore);
      assert.equal(await recordCount(u), countBefore);
    });

    test('a body cut off half way: no row, no stored file, no temporary file', async () => {
      const keysBefore = await u.keys();
      const countBefore = await recordCount(u);
      const dirsBefore = await tempUploadDirs();
      const { port } = new URL(u.t.url);
      const head =
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\ncut\r\n` +
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="big"; filename="cut.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
      const socket = connect(Number(port), '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.write(
        `POST /api/collections/docs/records HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\n` +
          `Content-Length: ${head.length + 10_000_000}\r\n\r\n${head}`,
      );
      await new Promise<void>((resolve) => socket.write(Buffer.alloc(256 * 1024, 7), () => resolve()));
      // The server has begun the temporary file before the client goes away.
      // This request's directory: one that appears now (the suites running alongside may add theirs, so
      // the one appearing is waited for while the body is still pending, when no other of ours runs).
      let ours: string[] = [];
      await waitFor(async () => {
        ours = [...(await tempUploadDirs())].filter((name) => !dirsBefore.has(name));
        return ours.length > 0;
      }, 'a temporary upload directory');
      socket.destroy();
      await waitFor(async () => {
        const now = await tempUploadDirs();
        return ours.every((name) => !now.has(name));
      }, 'temporary files removed');
      assert.deepEqual(await u.keys(), keysBefore);
      assert.equal(await recordCount(u), countBefore);
    });

    test('thousands of parts are refused with a 400', async () => {
      let body = '';
      for (let i = 0; i < 3000; i++) body += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nx\r\n`;
      body += `--${BOUNDARY}--\r\n`;
      const res = await fetch(`${u.t.url}/api/collections/docs/records`, {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
        body,
      });
      assert.equal(res.status, 400);
      const json = (await res.json()) as { status: number; message: string };
      assert.equal(json.status, 400);
      assert.match(json.message, /Too many multipart parts/);
    });

    test('a 50 MiB upload streams: the heap does not grow by anything near its size', async () => {
      const size = 50 << 20;
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const head = Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="big"; filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n`,
      );
      const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
      // Garbage is collected before each sample, so what is measured is memory held on to.
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      gc();
      const baseline = process.memoryUsage();
      let peak = 0;
      let samples = 0;
      const sample = () => {
        if (samples++ % 16 !== 0) return;
        gc();
        const m = process.memoryUsage();
        peak = Math.max(peak, m.heapUsed - baseline.heapUsed + (m.arrayBuffers - baseline.arrayBuffers));
      };
      // node:http's client waits for 'drain', so what the client holds stays bounded and what
      // is measured is the server.
      const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const url = new URL(`${u.t.url}/api/collections/docs/records`);
        const req = request(url, {
          method: 'POST',
          headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': String(head.length + size + tail.length) },
        });
        req.on('error', reject);
        req.on('response', (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (part: Buffer) => parts.push(part));
          answer.on('end', () => resolve({ status: answer.statusCode ?? 0, text: Buffer.concat(parts).toString() }));
          answer.on('error', reject);
        });
        void (async () => {
          req.write(head);
          for (let sent = 0; sent < size; sent += chunk.length) {
            sample();
            if (!req.write(chunk)) await once(req, 'drain');
          }
          req.end(tail);
        })().catch(reject);
      });
      samples = 0;
      sample();
      assert.equal(res.status, 200, res.text);
      const record = JSON.parse(res.text) as { id: string; big: string };
      const info = await u.store().stat(`${u.collectionId}/${record.id}/${record.big}`);
      assert.equal(info?.size, size);
      assert.ok(peak < 16 << 20, `memory grew by ${(peak / (1 << 20)).toFixed(1)} MiB`);
    });
  });
}
