// Collection model and request hooks, the batch hook and the settings hooks through the real
// HTTP API, on both engines: handlers that change a collection before it is saved, refuse
// changes, hear how a change ended, and change what the collections, batch and settings APIs
// answer.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TEST_DIALECTS } from '../../src/db/testing.js';
import { BadRequestError, ForbiddenError } from '../../src/index.js';
import { startHookedApp, type HookedApp } from './support.js';

for (const dialect of TEST_DIALECTS) {
  describe(`collection, batch and settings hooks [${dialect}]`, () => {
    let h: HookedApp;
    const order: string[] = [];
    const settled: string[] = [];
    const reloads: string[] = [];

    before(async () => {
      h = await startHookedApp(dialect, (plinth) => {
        plinth.onCollectionCreate().bindFunc(async (e) => {
          order.push(`create:${e.collection.name}`);
          if (e.collection.type === 'base') e.addField({ name: 'tenant', type: 'text' });
          await e.next();
        });
        plinth.onCollectionValidate().bindFunc(async (e) => {
          order.push(`validate:${e.collection.name}`);
          if (e.collection.name.startsWith('tmp_')) {
            throw new BadRequestError('Temporary collections are not allowed.', { name: { code: 'no_tmp', message: 'No tmp_ names.' } });
          }
          await e.next();
        });
        plinth.onCollectionCreateExecute().bindFunc(async (e) => {
          order.push(`execute:${e.collection.name}`);
          await e.next();
          // Inside the change's transaction: the new table is already there for this app.
          const count = await e.app.db.get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM ${e.app.db.dialect.quoteIdent(e.collection.name)}`);
          order.push(`execute:rows=${Number(count?.n)}`);
          if (e.collection.name === 'fails_late') throw new Error('refused after the table was made');
        });
        plinth.onCollectionAfterCreateSuccess().bindFunc(async (e) => {
          // After the commit: the collection is known to the app outside the transaction.
          settled.push(`success:${e.collection.name}:${e.app.findCollection(e.collection.name).id === e.collection.id}`);
          await e.next();
        });
        plinth.onCollectionAfterCreateError().bindFunc(async (e) => {
          const status = (e.error as { status?: number }).status;
          settled.push(`error:${e.collection.name}:${status ?? 'none'}`);
          await e.next();
        });
        plinth.onCollectionUpdate('notes').bindFunc(async (e) => {
          e.collection.listRule = '';
          await e.next();
        });
        plinth.onCollectionDelete('keepme').bindFunc(() => {
          throw new ForbiddenError('This collection stays.');
        });
        plinth.onCollectionAfterDeleteSuccess().bindFunc(async (e) => {
          settled.push(`deleted:${e.collection.name}`);
          await e.next();
        });
        plinth.onCollectionsListRequest().bindFunc(async (e) => {
          e.collections = e.collections.filter((c) => c.name !== 'hidden');
          await e.next();
        });
        plinth.onCollectionViewRequest().bindFunc(async (e) => {
          if (e.collection.name === 'hidden') {
            e.json(200, { custom: true });
            return;
          }
          await e.next();
        });
        plinth.onCollectionsImportRequest().bindFunc(async (e) => {
          if (e.deleteMissing) throw new BadRequestError('Imports may not delete collections here.');
          await e.next();
        });
        plinth.onBatchRequest().bindFunc(async (e) => {
          if (e.batch.length > 2) throw new BadRequestError('At most 2 requests per batch.');
          await e.next();
        });
        plinth.onSettingsListRequest().bindFunc(async (e) => {
          e.settings = { ...e.settings, extra: 'from a hook' };
          await e.next();
        });
        plinth.onSettingsUpdateRequest().bindFunc(async (e) => {
          if (e.newSettings.meta.appName !== e.oldSettings.meta.appName) throw new BadRequestError('The app name is fixed.');
          await e.next();
        });
        plinth.onSettingsReload().bindFunc(async (e) => {
          reloads.push(e.settings.meta.senderName);
          await e.next();
        });
      });
    });
    after(() => h.close());

    const createCollection = (body: Record<string, unknown>) => h.call('POST', '/api/collections', { body, token: h.superuser });

    test('a create hook adds a field to every new collection, in create → validate → execute order', async () => {
      order.length = 0;
      settled.length = 0;
      const created = await createCollection({ name: 'notes', type: 'base', createRule: '', fields: [{ name: 'body', type: 'text' }] });
      assert.equal(created.status, 200, created.text);
      assert.deepEqual(
        created.json.fields.map((f: { name: string }) => f.name),
        ['id', 'body', 'tenant'],
      );
      assert.deepEqual(order, ['create:notes', 'validate:notes', 'execute:notes', 'execute:rows=0']);
      assert.deepEqual(settled, ['success:notes:true']);
      // The added field is a real column.
      const record = await h.call('POST', '/api/collections/notes/records', { body: { body: 'hi', tenant: 'acme' } });
      assert.equal(record.status, 200, record.text);
      assert.equal(record.json.tenant, 'acme');
    });

    test('a validate hook refuses names starting with tmp_, and the after-error hook hears it', async () => {
      settled.length = 0;
      const refused = await createCollection({ name: 'tmp_scratch', type: 'base' });
      assert.equal(refused.status, 400, refused.text);
      assert.equal(refused.json.message, 'Temporary collections are not allowed.');
      assert.deepEqual(refused.json.data, { name: { code: 'no_tmp', message: 'No tmp_ names.' } });
      assert.deepEqual(settled, ['error:tmp_scratch:400']);
      const missing = await h.call('GET', '/api/collections/tmp_scratch', { token: h.superuser });
      assert.equal(missing.status, 404);
    });

    test('a failure after the write rolls the change back and reaches after-error, not after-success', async () => {
      settled.length = 0;
      const failed = await createCollection({ name: 'fails_late', type: 'base' });
      // A plain Error is an unexpected failure: a 500 whose text stays out of the response.
      assert.equal(failed.status, 500, failed.text);
      assert.ok(!failed.text.includes('refused after the table was made'));
      assert.deepEqual(settled, ['error:fails_late:none']);
      assert.equal((await h.call('GET', '/api/collections/fails_late', { token: h.superuser })).status, 404);
      const table = await h.plinth.running!.core.db.get(
        dialect === 'sqlite' ? `SELECT name FROM sqlite_master WHERE name = ?` : `SELECT tablename FROM pg_tables WHERE tablename = ?`,
        ['fails_late'],
      );
      assert.equal(table, undefined);
    });

    test('update and delete hooks change and refuse changes for the collections they are scoped to', async () => {
      const updated = await h.call('PATCH', '/api/collections/notes', { body: { listRule: null }, token: h.superuser });
      assert.equal(updated.status, 200, updated.text);
      assert.equal(updated.json.listRule, '');
      assert.equal((await createCollection({ name: 'keepme', type: 'base' })).status, 200);
      const kept = await h.call('DELETE', '/api/collections/keepme', { token: h.superuser });
      assert.equal(kept.status, 403, kept.text);
      assert.equal((await h.call('GET', '/api/collections/keepme', { token: h.superuser })).status, 200);
      settled.length = 0;
      assert.equal((await createCollection({ name: 'gone', type: 'base' })).status, 200);
      assert.equal((await h.call('DELETE', '/api/collections/gone', { token: h.superuser })).status, 204);
      assert.deepEqual(settled, ['success:gone:true', 'deleted:gone']);
    });

    test('a list request hook hides a collection; a view request hook answers itself', async () => {
      assert.equal((await createCollection({ name: 'hidden', type: 'base' })).status, 200);
      const list = await h.call('GET', '/api/collections?perPage=500', { token: h.superuser });
      assert.equal(list.status, 200, list.text);
      const names = list.json.items.map((c: { name: string }) => c.name);
      assert.ok(names.includes('notes'));
      assert.ok(!names.includes('hidden'));
      const view = await h.call('GET', '/api/collections/hidden', { token: h.superuser });
      assert.deepEqual(view.json, { custom: true });
    });

    test('an import request hook refuses deleteMissing', async () => {
      const notes = (await h.call('GET', '/api/collections/notes', { token: h.superuser })).json;
      const refused = await h.call('PUT', '/api/collections/import', { body: { collections: [notes], deleteMissing: true }, token: h.superuser });
      assert.equal(refused.status, 400, refused.text);
      assert.equal(refused.json.message, 'Imports may not delete collections here.');
      assert.equal((await h.call('GET', '/api/collections/posts', { token: h.superuser })).status, 200);
      const imported = await h.call('PUT', '/api/collections/import', { body: { collections: [notes], deleteMissing: false }, token: h.superuser });
      assert.equal(imported.status, 204, imported.text);
    });

    test('an import runs each collection it creates through the model hooks', async () => {
      order.length = 0;
      settled.length = 0;
      const imported = await h.call('PUT', '/api/collections/import', {
        body: { collections: [{ name: 'from_import', type: 'base', fields: [{ name: 'title', type: 'text' }] }], deleteMissing: false },
        token: h.superuser,
      });
      assert.equal(imported.status, 204, imported.text);
      assert.deepEqual(order.filter((step) => step.endsWith('from_import')), ['create:from_import', 'execute:from_import']);
      assert.deepEqual(settled, ['success:from_import:true']);
      const fields = (await h.call('GET', '/api/collections/from_import', { token: h.superuser })).json.fields as { name: string }[];
      assert.ok(fields.some((f) => f.name === 'tenant'));
      const refused = await h.call('PUT', '/api/collections/import', {
        body: { collections: [{ name: 'fails_late', type: 'base', fields: [] }], deleteMissing: false },
        token: h.superuser,
      });
      // The handler's plain Error is an internal failure, answered as one (and the import rolled back).
      assert.equal(refused.status, 500);
      assert.equal((await h.call('GET', '/api/collections/fails_late', { token: h.superuser })).status, 404);
      assert.ok(settled.some((entry) => entry.startsWith('error:fails_late')));
    });

    test('a batch hook refuses batches of more than 2 requests', async () => {
      const write = (title: string) => ({ method: 'POST', url: '/api/collections/posts/records', body: { title } });
      const refused = await h.call('POST', '/api/batch', { body: { requests: [write('a'), write('b'), write('c')] } });
      assert.equal(refused.status, 400, refused.text);
      assert.equal(refused.json.message, 'At most 2 requests per batch.');
      const none = await h.call('GET', `/api/collections/posts/records?filter=${encodeURIComponent("title='c'")}`);
      assert.equal(none.json.totalItems, 0);
      const accepted = await h.call('POST', '/api/batch', { body: { requests: [write('a'), write('b')] } });
      assert.equal(accepted.status, 200, accepted.text);
      assert.deepEqual(
        accepted.json.map((r: { status: number }) => r.status),
        [200, 200],
      );
    });

    test('a settings update hook refuses a change of meta.appName; other changes save and reload', async () => {
      const refused = await h.call('PATCH', '/api/settings', { body: { meta: { appName: 'Renamed' } }, token: h.superuser });
      assert.equal(refused.status, 400, refused.text);
      assert.equal(refused.json.message, 'The app name is fixed.');
      reloads.length = 0;
      const saved = await h.call('PATCH', '/api/settings', { body: { meta: { senderName: 'Hooked Sender' } }, token: h.superuser });
      assert.equal(saved.status, 200, saved.text);
      assert.equal(saved.json.meta.senderName, 'Hooked Sender');
      assert.notEqual(saved.json.meta.appName, 'Renamed');
      assert.equal(saved.json.smtp.password, undefined);
      assert.deepEqual(reloads, ['Hooked Sender']);
      const listed = await h.call('GET', '/api/settings', { token: h.superuser });
      assert.equal(listed.json.extra, 'from a hook');
      assert.equal(listed.json.smtp.password, undefined);
      assert.equal(listed.json.meta.senderName, 'Hooked Sender');
    });
  });
}
