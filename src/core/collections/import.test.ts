import { installedCollectionService } from './test-service.js';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { forEachDialect } from '../../db/testing.js';
import type { Database } from '../../db/types.js';
import { AppError } from '../errors/index.js';
import type { CollectionService } from './collection-service.js';
import type { CollectionStore } from './collection-store.js';
import type { Collection } from './model.js';

const clock = { now: () => new Date('2024-02-03T04:05:06.789Z') };
let secrets = 0;
const newSecret = (): string => `s${String(++secrets).padStart(49, '0')}`;

async function rowsOf(db: Database, table: string, columns: string[]): Promise<Array<Record<string, unknown>>> {
  const q = (n: string): string => db.dialect.quoteIdent(n);
  return db.all(`SELECT ${columns.map(q).join(', ')} FROM ${q(table)} ORDER BY ${q('id')}`);
}

async function columnsOf(db: Database, table: string): Promise<string[]> {
  return (await db.listColumns(table)).map((c) => c.name).filter((n) => n !== '_rowid');
}

/** The collection as an exported item: what the collections API sends (no secrets). */
function exported(c: Collection): Record<string, unknown> {
  return JSON.parse(JSON.stringify({ ...c, auth: undefined, ...c.auth })) as Record<string, unknown>;
}

async function importFails(promise: Promise<unknown>): Promise<AppError> {
  let caught: unknown;
  await promise.catch((err: unknown) => {
    caught = err;
  });
  assert.ok(caught instanceof AppError, String(caught));
  assert.equal(caught.message, 'Failed to import collections.');
  return caught;
}

forEachDialect(
  (_dialect, getDb) => {
    let store: CollectionStore;
    let service: CollectionService;

    before(async () => {
      ({ store, service } = await installedCollectionService(getDb(), { clock, newSecret }));
    });

    test('validation runs after every item is written, and a failure keeps nothing', async () => {
      const before = store.list().length;
      const err = await importFails(
        service.importCollections([{ name: 'import1' }, { name: 'import2', fields: [{ id: 'f1', name: 'expand', type: 'text' }] }], false),
      );
      const failure = err.data['collections'] as { code: string; message: string };
      assert.equal(failure.code, 'validation_collections_import_failure');
      assert.match(failure.message, /^Data validations failed for collection "import2" \(pbc_\d+\):\n\{\n {2}"fields": \{\n {4}"1": \{\n {6}"name": "/);
      assert.equal(store.list().length, before);
      await store.reload();
      assert.equal(store.find('import1'), undefined);
      assert.equal(await getDb().tableExists('import1'), false);
    });

    test('items may refer to items later in the list; views see the tables of the same import', async () => {
      const imported = await service.importCollections(
        [
          { name: 'stats', type: 'view', viewQuery: 'SELECT p.id, p.title FROM posts p' },
          { name: 'comments', fields: [{ name: 'post', type: 'relation', collectionId: 'pbc_posts01', maxSelect: 1 }] },
          { id: 'pbc_posts01', name: 'posts', fields: [{ name: 'title', type: 'text' }, { id: 'f_body', name: 'body', type: 'text' }] },
        ],
        false,
      );
      assert.deepEqual(
        imported.map((c) => c.name),
        ['comments', 'posts', 'stats'],
        'views go last',
      );
      assert.equal(store.get('posts').id, 'pbc_posts01');
      assert.deepEqual(
        store.get('stats').fields.map((f) => `${f.name}:${f.type}`),
        ['id:text', 'title:text'],
      );
      const db = getDb();
      const q = (n: string): string => db.dialect.quoteIdent(n);
      await db.run(`INSERT INTO ${q('posts')} (${q('id')}, ${q('title')}, ${q('body')}) VALUES (?, ?, ?)`, ['p1', 'Hello', 'Text']);
    });

    test('without deleteMissing, fields left out are kept, and a same-name field keeps its column', async () => {
      const posts = store.get('posts');
      const body = posts.fields.find((f) => f.name === 'body')!;
      await service.importCollections(
        [{ id: posts.id, name: 'posts', fields: [{ name: 'body', type: 'text', max: 5 }, { name: 'extra', type: 'number' }] }],
        false,
      );
      const updated = store.get('posts');
      assert.deepEqual(
        updated.fields.map((f) => f.name),
        ['body', 'extra', 'id', 'title'],
      );
      const kept = updated.fields.find((f) => f.name === 'body')!;
      assert.equal(kept.id, body.id, 'matched by name and type');
      assert.equal(kept.type === 'text' && kept.max, 0, 'the stored definition wins');
      assert.deepEqual(await rowsOf(getDb(), 'posts', ['id', 'title', 'body']), [{ id: 'p1', title: 'Hello', body: 'Text' }]);
      assert.deepEqual((await columnsOf(getDb(), 'posts')).sort(), ['body', 'extra', 'id', 'title']);
    });

    test('an exported collection imports onto itself unchanged', async () => {
      const users = store.get('users');
      await service.importCollections([exported(users)], false);
      const again = store.get('users');
      assert.deepEqual(again.fields, users.fields);
      assert.deepEqual(again.indexes, users.indexes);
      assert.equal(again.auth?.authToken.secret, users.auth?.authToken.secret, 'secrets left out are kept');
    });

    test('deleteMissing deletes other collections without reference checks, and fields left out', async () => {
      const db = getDb();
      const members = await service.create({ name: 'members', type: 'auth' });
      const q = (n: string): string => db.dialect.quoteIdent(n);
      await db.run(
        `INSERT INTO ${q('_mfas')} (${q('id')}, ${q('collectionRef')}, ${q('recordRef')}, ${q('method')}) VALUES (?, ?, ?, ?)`,
        ['m00000000000001', members.id, 'r1', 'password'],
      );
      const posts = store.get('posts');
      await service.importCollections(
        [{ name: 'fresh' }, { id: posts.id, name: 'posts', fields: [{ id: posts.fields.find((f) => f.name === 'title')!.id, name: 'title', type: 'text' }] }],
        true,
      );
      const names = store.list().map((c) => c.name);
      assert.deepEqual(names.filter((n) => !n.startsWith('_')), ['posts', 'fresh'], 'users is not a system collection');
      assert.ok(names.includes('_superusers') && names.includes('_mfas'), 'system collections stay');
      for (const gone of ['comments', 'stats', 'members', 'users']) assert.equal(await db.tableExists(gone), false, gone);
      assert.deepEqual((await columnsOf(db, 'posts')).sort(), ['id', 'title'], 'fields left out are dropped');
      assert.deepEqual(await rowsOf(db, 'posts', ['id', 'title']), [{ id: 'p1', title: 'Hello' }]);
      assert.deepEqual(await rowsOf(db, '_mfas', ['id']), [], "the deleted auth collection's MFA rows went with it");
    });

    test('deleteMissing drops a table that a kept view read, when the view reads something else now', async () => {
      await service.create({ name: 'legacy', fields: [{ name: 'title', type: 'text' }] });
      await service.create({ name: 'legacy_view', type: 'view', viewQuery: 'SELECT id, title FROM legacy' });
      const keep = store.list().filter((c) => !c.system && c.name !== 'legacy' && c.name !== 'legacy_view');
      await service.importCollections(
        [...keep.map(exported), { ...exported(store.get('legacy_view')), viewQuery: 'SELECT id, title FROM posts' }],
        true,
      );
      const db = getDb();
      assert.equal(await db.tableExists('legacy'), false);
      assert.equal(store.find('legacy'), undefined);
      assert.deepEqual(await db.all('SELECT * FROM legacy_view'), [{ id: 'p1', title: 'Hello' }]);
    });

    test('write failures: field errors as they are, anything else as one import failure', async () => {
      let err = await importFails(
        service.importCollections([{ name: 'indexed', fields: [{ name: 'a', type: 'text' }], indexes: ['CREATE INDEX idx_x ON indexed (missing)'] }], false),
      );
      assert.equal((err.data['indexes'] as Record<string, { code: string }>)['0']?.code, 'validation_invalid_index_expression');

      err = await importFails(service.importCollections([{ name: 'bad', fields: 'nope' }], false));
      assert.deepEqual(err.data, {
        collections: { code: 'validation_collections_import_failure', message: 'Failed to import the collections configuration.' },
      });

      err = await importFails(service.importCollections([{ name: 'v', type: 'view', viewQuery: 'SELECT id FROM nowhere' }], false));
      const failure = err.data['collections'] as { code: string; message: string };
      assert.equal(failure.code, 'validation_collections_import_failure');
      assert.match(failure.message, /^Failed to save collection "v" - invalid view query/);
      assert.ok(!/no such|relation|does not exist/i.test(failure.message), failure.message);

      err = await importFails(service.importCollections([], false));
      assert.equal((err.data['collections'] as { code: string }).code, 'validation_collections_import_failure');
      await store.reload();
      for (const name of ['indexed', 'bad', 'v']) assert.equal(store.find(name), undefined, name);
    });
  },
  { title: 'collections import' },
);
