// Record create/update/delete with file fields through the SDK, on both databases: names
// normalised, modifiers, replacement, the store's contents after each write, and deletes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { ClientResponseError } from 'pocketbase';
import { PNG_BYTES, startUploadApp, textFile, type UploadApp } from './upload-fixture.js';

const NAME = /^[a-z0-9_]+_[a-z0-9]{10}(\.[a-z0-9]+)?$/;

async function readBlob(u: UploadApp, key: string): Promise<string> {
  const blob = await u.store().get(key);
  assert.ok(blob, `missing ${key}`);
  const chunks: Buffer[] = [];
  for await (const chunk of blob.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function failure(promise: Promise<unknown>): Promise<ClientResponseError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ClientResponseError);
    return err;
  }
  assert.fail('expected the request to fail');
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`file uploads [${dialect}]`, () => {
    let u: UploadApp;
    before(async () => {
      u = await startUploadApp(dialect);
    });
    after(async () => {
      await u?.t.close();
    });

    test('create with a single and a multiple file field stores every file under normalised names', async () => {
      const record = await u.guest.collection('docs').create({
        title: 'first',
        cover: textFile('cover text', 'My Cover.txt'),
        attachments: [textFile('one', 'one.txt'), textFile('two', 'two.md', 'text/markdown')],
      });
      assert.match(record.cover as string, /^my_cover_[a-z0-9]{10}\.txt$/);
      const attachments = record.attachments as string[];
      assert.equal(attachments.length, 2);
      assert.match(attachments[0]!, /^one_[a-z0-9]{10}\.txt$/);
      assert.match(attachments[1]!, /^two_[a-z0-9]{10}\.md$/);
      const prefix = `${u.collectionId}/${record.id}/`;
      assert.deepEqual(await u.keys(prefix), [prefix + record.cover, prefix + attachments[0], prefix + attachments[1]].sort());
      assert.equal(await readBlob(u, prefix + attachments[1]), 'two');
      const info = await u.store().stat(prefix + record.cover);
      assert.equal(info?.contentType, 'text/plain; charset=utf-8');
      // Reads return the names, as written.
      const viewed = await u.guest.collection('docs').getOne(record.id);
      assert.deepEqual(viewed.attachments, attachments);
      const listed = await u.guest.collection('docs').getList(1, 10, { filter: `id = "${record.id}"` });
      assert.equal(listed.items[0]!.cover, record.cover);
    });

    test('update: field+ appends, +field prepends, field- removes (and its file goes), the plain key replaces', async () => {
      const record = await u.guest.collection('docs').create({ attachments: [textFile('a', 'a.txt')] });
      const prefix = `${u.collectionId}/${record.id}/`;
      const [a] = record.attachments as string[];
      const appended = await u.guest.collection('docs').update(record.id, { 'attachments+': textFile('b', 'bee.txt') });
      const [, b] = appended.attachments as string[];
      assert.equal((appended.attachments as string[])[0], a);
      assert.match(b!, /^bee_[a-z0-9]{10}\.txt$/);
      const prepended = await u.guest.collection('docs').update(record.id, { '+attachments': textFile('c', 'cee.txt') });
      const [c] = prepended.attachments as string[];
      assert.match(c!, /^cee_[a-z0-9]{10}\.txt$/);
      assert.deepEqual(prepended.attachments, [c, a, b]);
      // A thumbnail folder of a removed file goes with it.
      await u.store().put(`${prefix}thumbs_${a}/100x100_${a}`, Readable.from([Buffer.from('thumb')]), { contentType: 'text/plain' });
      const removed = await u.guest.collection('docs').update(record.id, { 'attachments-': [a] });
      assert.deepEqual(removed.attachments, [c, b]);
      assert.deepEqual(await u.keys(prefix), [prefix + b, prefix + c].sort());
      // Names listed with the plain key are kept alongside the new uploads; the rest go.
      const replaced = await u.guest.collection('docs').update(record.id, { attachments: [b, textFile('d', 'dee.txt')] });
      const names = replaced.attachments as string[];
      assert.equal(names.length, 2);
      assert.equal(names[0], b);
      assert.match(names[1]!, /^dee_[a-z0-9]{10}\.txt$/);
      assert.deepEqual(await u.keys(prefix), [prefix + names[0], prefix + names[1]].sort());
      // A plain upload alone replaces all of them.
      const alone = await u.guest.collection('docs').update(record.id, { attachments: textFile('e', 'e.txt') });
      assert.equal((alone.attachments as string[]).length, 1);
      assert.deepEqual(await u.keys(prefix), [prefix + (alone.attachments as string[])[0]]);
      // A single-file field's new upload replaces the old file.
      const first = await u.guest.collection('docs').update(record.id, { cover: textFile('x', 'x.txt') });
      const second = await u.guest.collection('docs').update(record.id, { cover: textFile('y', 'y.txt') });
      assert.notEqual(first.cover, second.cover);
      assert.equal((await u.store().stat(prefix + first.cover)), null);
      assert.equal(await readBlob(u, prefix + second.cover), 'y');
      // Clearing the field deletes the file.
      await u.guest.collection('docs').update(record.id, { cover: null });
      assert.equal(await u.store().stat(prefix + second.cover), null);
    });

    test('deleting a record removes its folder', async () => {
      const record = await u.guest.collection('docs').create({ cover: textFile('bye', 'bye.txt') });
      const prefix = `${u.collectionId}/${record.id}/`;
      assert.equal((await u.keys(prefix)).length, 1);
      await u.guest.collection('docs').delete(record.id);
      await waitFor(async () => (await u.keys(prefix)).length === 0);
    });

    test('a cascade delete removes the folders of the records it deletes', async () => {
      const parts = await u.pb.collections.create({
        name: 'parts',
        type: 'base',
        createRule: '',
        fields: [
          { name: 'doc', type: 'relation', collectionId: u.collectionId, cascadeDelete: true, maxSelect: 1 },
          { name: 'scan', type: 'file', maxSelect: 1 },
        ],
      });
      const doc = await u.guest.collection('docs').create({ cover: textFile('parent', 'parent.txt') });
      const part = await u.guest.collection('parts').create({ doc: doc.id, scan: textFile('child', 'child.txt') });
      assert.equal((await u.keys(`${parts.id}/${part.id}/`)).length, 1);
      await u.guest.collection('docs').delete(doc.id);
      await waitFor(async () => (await u.keys(`${parts.id}/`)).length === 0 && (await u.keys(`${u.collectionId}/${doc.id}/`)).length === 0);
      // Deleting a collection removes its folder.
      await u.pb.collections.delete(parts.id);
      await u.pb.collections.create({ name: 'scratch', type: 'base', createRule: '', fields: [{ name: 'f', type: 'file', maxSelect: 1 }] });
      const scratch = await u.pb.collections.getOne('scratch');
      await u.guest.collection('scratch').create({ f: textFile('tmp', 'tmp.txt') });
      assert.equal((await u.keys(`${scratch.id}/`)).length, 1);
      await u.pb.collections.delete(scratch.id);
      await waitFor(async () => (await u.keys(`${scratch.id}/`)).length === 0);
      // So does an import with deleteMissing that leaves a collection out.
      const kept = await u.pb.collections.create({ name: 'kept', type: 'base', createRule: '', fields: [{ name: 'f', type: 'file', maxSelect: 1 }] });
      await u.guest.collection('kept').create({ f: textFile('keep', 'keep.txt') });
      const dropped = await u.pb.collections.create({ name: 'dropped', type: 'base', createRule: '', fields: [{ name: 'f', type: 'file', maxSelect: 1 }] });
      await u.guest.collection('dropped').create({ f: textFile('drop', 'drop.txt') });
      assert.equal((await u.keys(`${dropped.id}/`)).length, 1);
      const all = (await u.pb.collections.getFullList()).filter((c) => c.id !== dropped.id);
      await u.pb.collections.import(all, true);
      await waitFor(async () => (await u.keys(`${dropped.id}/`)).length === 0);
      assert.equal((await u.keys(`${kept.id}/`)).length, 1, 'collections the import keeps keep their files');
    });

    test('maxSize, maxSelect, mimeTypes (a lying header too) and empty files are field errors, and store nothing', async () => {
      const before = await u.keys();
      const tooBig = await failure(u.guest.collection('docs').create({ images: new File([Buffer.concat([PNG_BYTES, Buffer.alloc(1000)])], 'big.png', { type: 'image/png' }) }));
      assert.equal(tooBig.status, 400);
      assert.equal(tooBig.response.data.images.code, 'validation_file_size_limit');
      assert.equal(tooBig.response.data.images.message, 'Failed to upload big.png - the maximum allowed file size is 1000 bytes.');
      const tooMany = await failure(
        u.guest.collection('docs').create({ attachments: [textFile('1', '1.txt'), textFile('2', '2.txt'), textFile('3', '3.txt'), textFile('4', '4.txt')] }),
      );
      assert.equal(tooMany.response.data.attachments.code, 'validation_too_many_files');
      const lying = await failure(u.guest.collection('docs').create({ images: new File(['just text'], 'fake.png', { type: 'image/png' }) }));
      assert.equal(lying.response.data.images.code, 'validation_invalid_mime_type');
      assert.match(lying.response.data.images.message, /^"fake_[a-z0-9]{10}\.png" mime type must be one of: image\/png, image\/jpeg\.$/);
      const pngAsText = await failure(u.guest.collection('docs').create({ notes: new File([PNG_BYTES], 'notes.txt', { type: 'text/plain' }) }));
      assert.equal(pngAsText.response.data.notes.code, 'validation_invalid_mime_type');
      const empty = await failure(u.guest.collection('docs').create({ cover: new File([], 'empty.txt') }));
      assert.equal(empty.response.data.cover.code, 'validation_empty_file');
      // What does pass: a real PNG for images, a CSV (text, named .csv) for notes.
      const ok = await u.guest.collection('docs').create({
        images: new File([PNG_BYTES], 'pic', { type: 'application/octet-stream' }),
        notes: new File(['a,b\n1,2\n'], 'table.csv', { type: 'text/csv' }),
      });
      assert.match((ok.images as string[])[0]!, /^pic_[a-z0-9]{10}\.png$/);
      assert.match(ok.notes as string, NAME);
      assert.equal((await u.store().stat(`${u.collectionId}/${ok.id}/${(ok.images as string[])[0]}`))?.contentType, 'image/png');
      const after = await u.keys();
      assert.equal(after.length, before.length + 2);
    });

    test('names with ../, \\, reserved names and absurd lengths are normalised into the record folder; NUL is refused', async () => {
      const long = `${'x'.repeat(5000)}.${'e'.repeat(50)}`;
      const record = await u.guest.collection('docs').create({
        attachments: [textFile('up', '../../etc/passwd'), textFile('win', '..\\..\\CON.txt'), textFile('long', long)],
      });
      const names = record.attachments as string[];
      assert.equal(names.length, 3);
      for (const name of names) {
        assert.match(name, NAME);
        assert.ok(name.length <= 100 + 1 + 10 + 21, name);
      }
      assert.match(names[0]!, /^passwd_[a-z0-9]{10}\.txt$/);
      assert.match(names[1]!, /^con_[a-z0-9]{10}\.txt$/);
      assert.deepEqual((await u.keys(`${u.collectionId}/${record.id}/`)).length, 3);
      const before = await u.keys();
      const nul = await failure(u.guest.collection('docs').create({ cover: textFile('nul', 'a\u0000b.txt') }));
      assert.equal(nul.status, 400);
      assert.deepEqual(await u.keys(), before);
    });

    test('a failed create (unique id clash) leaves no files', async () => {
      const first = await u.guest.collection('docs').create({ title: 'x' });
      const before = await u.keys();
      const clash = await failure(u.pb.collection('docs').create({ id: first.id, cover: textFile('dup', 'dup.txt') }));
      assert.equal(clash.status, 400);
      assert.deepEqual(await u.keys(), before);
    });
  });
}

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.fail('condition not met');
}
