// Record model and request hooks through the real HTTP API, on both engines: handlers that
// enrich, validate and reject records, run inside the write's transaction, hear how it ended,
// and change what a request answers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import PocketBase from 'pocketbase';
import { TEST_DIALECTS } from '../../src/db/testing.js';
import { BadRequestError, ForbiddenError } from '../../src/index.js';
import { startHookedApp, type HookedApp } from './support.js';

for (const dialect of TEST_DIALECTS) {
  describe(`record hooks [${dialect}]`, () => {
    let h: HookedApp;
    const order: string[] = [];
    const settled: string[] = [];
    const deletedComments: string[] = [];

    before(async () => {
      h = await startHookedApp(dialect, (plinth) => {
        plinth.onRecordCreate('posts').bindFunc(async (e) => {
          order.push('create');
          e.record.set('slug', e.record.getString('title').toLowerCase().replaceAll(' ', '-'));
          await e.next();
          order.push('create:after-next');
        });
        plinth.onRecordValidate('posts').bindFunc(async (e) => {
          order.push('validate');
          if (e.record.getString('title').includes('spam')) {
            throw new BadRequestError('No spam, please.', { title: { code: 'no_spam', message: 'Spam is not allowed.' } });
          }
          await e.next();
        });
        plinth.onRecordCreateExecute('posts').bindFunc(async (e) => {
          order.push('execute');
          await e.next();
          // Inside the transaction: the row is visible to this write's own app.
          const stored = await e.app.findRecordById('posts', e.record.id);
          order.push(`execute:stored=${stored?.getString('slug')}`);
          if (e.record.getString('title') === 'audit and fail') {
            await e.app.save(e.app.newRecord('posts', { title: 'audit entry' }));
            throw new Error('failed after the audit entry was written');
          }
        });
        plinth.onRecordAfterCreateSuccess('posts').bindFunc(async (e) => {
          settled.push(`success:${e.record.getString('title')}`);
          await e.next();
        });
        plinth.onRecordAfterCreateError('posts').bindFunc(async (e) => {
          settled.push(`error:${e.record.getString('title')}`);
          await e.next();
        });
        plinth.onRecordUpdate('posts').bindFunc(async (e) => {
          if (e.record.getString('title') === 'silently skipped') return; // no next(): nothing is written
          await e.next();
        });
        plinth.onRecordDeleteExecute('comments').bindFunc(async (e) => {
          await e.next();
          deletedComments.push(e.record.getString('text'));
        });
        plinth.onRecordDeleteRequest('posts').bindFunc(async (e) => {
          if (e.record.getString('title') === 'keep me') throw new ForbiddenError('This post stays.');
          await e.next();
        });
        plinth.onRecordsListRequest('posts').bindFunc(async (e) => {
          e.records = e.records.filter((r) => !r.getString('title').startsWith('secret'));
          for (const record of e.records) record.set('views', 99);
          await e.next();
        });
        plinth.onRecordViewRequest('posts').bindFunc(async (e) => {
          if (e.record.getString('title') === 'custom view') {
            e.json(200, { custom: true, id: e.record.id });
            return;
          }
          await e.next();
        });
      });
    });
    after(() => h.close());

    test('a create runs create → validate → execute in order, and the hook enriches the record', async () => {
      order.length = 0;
      const created = await h.call('POST', '/api/collections/posts/records', { body: { title: 'Hello World' } });
      assert.equal(created.status, 200, created.text);
      assert.equal(created.json.slug, 'hello-world');
      assert.deepEqual(order, ['create', 'validate', 'execute', 'execute:stored=hello-world', 'create:after-next']);
      const stored = await h.call('GET', `/api/collections/posts/records/${created.json.id}`);
      assert.equal(stored.json.slug, 'hello-world');
      assert.ok(settled.includes('success:Hello World'));
    });

    test('a validate hook rejects with a PocketBase-shaped 400 and nothing is written', async () => {
      const before = await h.plinth.app.countRecords('posts');
      const res = await h.call('POST', '/api/collections/posts/records', { body: { title: 'buy spam now' } });
      assert.equal(res.status, 400);
      assert.deepEqual(res.json, { data: { title: { code: 'no_spam', message: 'Spam is not allowed.' } }, message: 'No spam, please.', status: 400 });
      assert.equal(await h.plinth.app.countRecords('posts'), before);
      assert.ok(settled.includes('error:buy spam now'));
    });

    test('a hook failing after writing another record rolls both back, answers a safe 500 and logs the cause', async () => {
      const before = await h.plinth.app.countRecords('posts');
      const res = await h.call('POST', '/api/collections/posts/records', { body: { title: 'audit and fail' } });
      assert.equal(res.status, 500);
      assert.equal(res.json.message, 'Something went wrong while processing your request.');
      assert.doesNotMatch(res.text, /audit entry|failed after/);
      assert.equal(await h.plinth.app.countRecords('posts'), before);
      assert.ok(h.logs.some((line) => line.includes('failed after the audit entry was written')));
      // The server keeps serving.
      assert.equal((await h.call('GET', '/api/health')).status, 200);
    });

    test('a model hook that never calls next() skips the write without failing the request', async () => {
      const created = await h.call('POST', '/api/collections/posts/records', { body: { title: 'original' } });
      const updated = await h.call('PATCH', `/api/collections/posts/records/${created.json.id}`, { body: { title: 'silently skipped' } });
      assert.equal(updated.status, 200);
      const stored = await h.call('GET', `/api/collections/posts/records/${created.json.id}`);
      assert.equal(stored.json.title, 'original');
    });

    test('request hooks change what list and view answer', async () => {
      await h.call('POST', '/api/collections/posts/records', { body: { title: 'secret plans' } });
      const special = await h.call('POST', '/api/collections/posts/records', { body: { title: 'custom view' } });
      const list = await h.call('GET', '/api/collections/posts/records?perPage=200');
      assert.equal(list.status, 200);
      assert.ok(list.json.items.length > 0);
      assert.ok(list.json.items.every((item: { title: string; views: number }) => !item.title.startsWith('secret') && item.views === 99));
      const view = await h.call('GET', `/api/collections/posts/records/${special.json.id}`);
      assert.deepEqual(view.json, { custom: true, id: special.json.id });
    });

    test('lists answer exactly PocketBase\'s keys, with and without a list hook acting', async () => {
      const keys = ['items', 'page', 'perPage', 'totalItems', 'totalPages'];
      const hooked = await h.call('GET', '/api/collections/posts/records');
      assert.deepEqual(Object.keys(hooked.json).sort(), keys);
      const plain = await h.call('GET', '/api/collections/users/records', { token: h.superuser });
      assert.equal(plain.status, 200);
      assert.deepEqual(Object.keys(plain.json).sort(), keys);
    });

    test('records removed by a cascade, or by a truncate, go through the delete hooks', async () => {
      const core = h.plinth.running!.core;
      const posts = core.registry.byNameOrId('posts')!;
      await core.collections.create({
        name: 'comments',
        type: 'base',
        listRule: '',
        viewRule: '',
        createRule: '',
        fields: [
          { name: 'text', type: 'text' },
          { name: 'post', type: 'relation', collectionId: posts.id, cascadeDelete: true, maxSelect: 1 },
        ],
      });
      const post = await h.call('POST', '/api/collections/posts/records', { body: { title: 'with comments' } });
      for (const text of ['first', 'second']) {
        await h.call('POST', '/api/collections/comments/records', { body: { text, post: post.json.id } });
      }
      assert.equal((await h.call('DELETE', `/api/collections/posts/records/${post.json.id}`)).status, 204);
      assert.deepEqual(deletedComments.sort(), ['first', 'second']);
      deletedComments.length = 0;
      await h.call('POST', '/api/collections/comments/records', { body: { text: 'third' } });
      assert.equal((await h.call('DELETE', '/api/collections/comments/truncate', { token: h.superuser })).status, 204);
      assert.deepEqual(deletedComments, ['third']);
    });

    test('a delete request hook can refuse; the SDK sees the error', async () => {
      const pb = new PocketBase(h.url);
      const kept = await pb.collection('posts').create({ title: 'keep me' });
      await assert.rejects(pb.collection('posts').delete(kept.id), (err: { status: number; message: string }) => {
        assert.equal(err.status, 403);
        assert.equal(err.message, 'This post stays.');
        return true;
      });
      const gone = await pb.collection('posts').create({ title: 'delete me' });
      assert.equal(await pb.collection('posts').delete(gone.id), true);
    });

    test('batch sub-requests go through the same hooks, and one hook failure rolls the batch back', async () => {
      const pb = new PocketBase(h.url);
      pb.authStore.save(h.superuser);
      const batch = pb.createBatch();
      batch.collection('posts').create({ title: 'Batch One' });
      const [result] = await batch.send();
      assert.equal(result!.body.slug, 'batch-one');
      const before = await h.plinth.app.countRecords('posts');
      const failing = pb.createBatch();
      failing.collection('posts').create({ title: 'Batch Two' });
      failing.collection('posts').create({ title: 'more spam' });
      await assert.rejects(failing.send(), (err: { status: number; response: { data: { requests: Record<string, { response: { status: number } }> } } }) => {
        assert.equal(err.status, 400);
        assert.equal(err.response.data.requests['1']!.response.status, 400);
        return true;
      });
      assert.equal(await h.plinth.app.countRecords('posts'), before);
    });
  });
}
