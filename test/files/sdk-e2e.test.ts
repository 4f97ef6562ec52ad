// One SDK story with file fields on each engine and each store (the local directory and a real
// S3 protocol server): create, update with modifiers, batch, list, download, thumbnail,
// protected files with a file token, and delete. The bytes are looked for where the store
// keeps them (on disk, in the bucket) so that both stores are known to be the ones in use.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import sharp from 'sharp';
import type { RecordModel } from 'pocketbase';
import { createS3Store } from '../../src/storage/index.js';
import type { BlobStore } from '../../src/storage/types.js';
import { startTestS3, type TestS3 } from '../support/s3.js';
import { startUploadApp, textFile, type UploadApp } from './upload-fixture.js';
import { stripesPng } from './serving-fixture.js';

type StoreName = 'local' | 's3';

/** Keys of the files under `<dir>/storage` (sidecars left out); none when the folder is absent. */
async function diskKeys(storageDir: string, prefix: string): Promise<string[]> {
  if (!existsSync(storageDir)) return [];
  const entries = await readdir(storageDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.attrs'))
    .map((entry) => relative(storageDir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .filter((key) => key.startsWith(prefix))
    .sort();
}

async function bucketKeys(bucket: BlobStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of bucket.list(prefix)) keys.push(key);
  return keys.sort();
}

/** Polls `check` until it holds, failing after a bounded number of tries. */
async function waitUntil(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail('the condition never held');
}

let s3: TestS3;
let bucket: BlobStore;
before(async () => {
  s3 = await startTestS3();
  // A client of its own, so what is in the bucket is read apart from the app's store.
  bucket = createS3Store(s3.settings());
});
after(async () => {
  await bucket?.close();
  await s3?.stop();
});

for (const dialect of ['sqlite', 'postgres'] as const) {
  for (const storeName of ['local', 's3'] as const satisfies readonly StoreName[]) {
    describe(`SDK file story [${dialect}, ${storeName}]`, () => {
      let u: UploadApp;
      let png: Buffer;
      let storageDir: string;
      const docs = () => u.pb.collection('docs');
      const prefixOf = (record: RecordModel) => `${u.collectionId}/${record.id}/`;

      /** The record's keys where its store keeps them, after checking that the other store has none. */
      const storedKeys = async (record: RecordModel): Promise<string[]> => {
        const prefix = prefixOf(record);
        const [onDisk, inBucket] = await Promise.all([diskKeys(storageDir, prefix), bucketKeys(bucket, prefix)]);
        assert.deepEqual(storeName === 'local' ? inBucket : onDisk, [], `the ${storeName === 'local' ? 'bucket' : 'disk'} holds none of them`);
        const keys = storeName === 'local' ? onDisk : inBucket;
        assert.deepEqual(await u.keys(prefix), keys, 'the app lists what the store holds');
        return keys;
      };
      /** Whether the record's folder has left its store (the local one removes the folder last). */
      const gone = async (record: RecordModel) =>
        storeName === 'local' ? !existsSync(join(storageDir, prefixOf(record))) : (await bucketKeys(bucket, prefixOf(record))).length === 0;
      const download = async (record: RecordModel, name: string, query: Record<string, string> = {}) => {
        const res = await fetch(u.pb.files.getURL(record, name, query));
        return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
      };

      before(async () => {
        u = await startUploadApp(dialect);
        storageDir = join(u.t.app.config.dir, 'storage');
        png = await stripesPng();
        if (storeName === 's3') await u.pb.settings.update({ s3: s3.settings() });
        // A protected field, and records viewable by signed-in accounts only (a public view
        // rule would open protected files to anyone).
        const collection = await u.pb.collections.getOne(u.collectionId);
        await u.pb.collections.update(u.collectionId, {
          viewRule: '@request.auth.id != ""',
          fields: [...collection.fields, { name: 'secret', type: 'file', maxSelect: 1, protected: true }],
        });
      });
      after(async () => {
        await u?.t.close();
      });

      test('create, update with modifiers, batch, list, download, thumbnail, protected file, delete', async () => {
        const record = await docs().create({
          title: 'story',
          cover: textFile('the cover', 'Cover.txt'),
          attachments: [textFile('first', 'first.txt'), new File([png], 'stripes.png', { type: 'image/png' })],
          secret: textFile('for signed-in eyes', 'secret.txt'),
        });
        const [first, image] = record.attachments as string[];
        assert.match(record.cover as string, /^cover_[a-z0-9]{10}\.txt$/);
        assert.match(image!, /^stripes_[a-z0-9]{10}\.png$/);
        const prefix = prefixOf(record);
        const key = (name: string) => prefix + name;
        assert.deepEqual(await storedKeys(record), [record.cover, first, image, record.secret].map(key).sort());

        // field+ appends a new file; field- removes one, and its bytes go.
        const appended = await docs().update(record.id, { 'attachments+': textFile('third', 'third.txt') });
        const third = (appended.attachments as string[])[2]!;
        assert.match(third, /^third_[a-z0-9]{10}\.txt$/);
        const updated = await docs().update(record.id, { 'attachments-': [first] });
        assert.deepEqual(updated.attachments, [image, third]);
        assert.deepEqual(await storedKeys(record), [record.cover, image, third, record.secret].map(key).sort());

        // A file in a batch.
        const batch = u.pb.createBatch();
        batch.collection('docs').create({ title: 'batched', cover: textFile('from a batch', 'batch.txt') });
        const [result] = await batch.send();
        assert.equal(result?.status, 200, JSON.stringify(result?.body));
        const batched = result!.body as RecordModel;
        assert.match(batched.cover as string, /^batch_[a-z0-9]{10}\.txt$/);
        assert.deepEqual(await storedKeys(batched), [prefixOf(batched) + batched.cover]);
        assert.equal((await download(batched, batched.cover as string)).body.toString(), 'from a batch');

        // The list gives the names as stored.
        const listed = await docs().getFullList({ filter: `title = "story"` });
        assert.equal(listed.length, 1);
        assert.deepEqual([listed[0]!.cover, listed[0]!.attachments], [record.cover, [image, third]]);

        // Downloads through the SDK's URLs give the uploaded bytes.
        const cover = await download(record, record.cover as string);
        assert.equal(cover.status, 200);
        assert.equal(cover.body.toString(), 'the cover');
        const original = await download(record, image!);
        assert.equal(original.type, 'image/png');
        assert.ok(original.body.equals(png), 'the image comes back byte for byte');

        // A thumbnail is an image of the asked size, and is then kept in the store.
        const thumbKey = `${prefix}thumbs_${image}/100x100_${image}`;
        assert.ok(!(await storedKeys(record)).includes(thumbKey), 'no thumbnail before it is asked for');
        const thumb = await download(record, image!, { thumb: '100x100' });
        assert.equal(thumb.status, 200);
        const meta = await sharp(thumb.body).metadata();
        assert.deepEqual([meta.format, meta.width, meta.height], ['png', 100, 100]);
        assert.ok((await storedKeys(record)).includes(thumbKey), 'the thumbnail is stored');

        // A protected file: not found without a token, served with one.
        const secretName = record.secret as string;
        assert.equal((await download(record, secretName)).status, 404);
        const token = await u.pb.files.getToken();
        const secret = await download(record, secretName, { token });
        assert.equal(secret.status, 200);
        assert.equal(secret.body.toString(), 'for signed-in eyes');

        // Deleting the records takes their files and thumbnails with them.
        await docs().delete(record.id);
        await docs().delete(batched.id);
        // The folders go after the delete's commit, in the background.
        await waitUntil(async () => (await gone(record)) && (await gone(batched)));
        assert.deepEqual(await storedKeys(record), []);
        assert.deepEqual(await storedKeys(batched), []);
        assert.equal((await download(record, record.cover as string)).status, 404);
      });
    });
  }
}
