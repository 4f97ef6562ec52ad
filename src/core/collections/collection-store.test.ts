import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSqlite } from '../../db/sqlite/index.js';
import { forEachDialect } from '../../db/testing.js';
import type { Database } from '../../db/types.js';
import { authOptionsToJson } from './auth-options.js';
import { collectionToJson } from './collection-json.js';
import {
  CollectionStore,
  deleteCollectionRow,
  insertCollectionRow,
  readAllCollections,
  readCollection,
  updateCollectionRow,
} from './collection-store.js';
import { collectionsTableDdl } from './collections-table.js';
import { fieldToJson } from './field-list.js';
import type { Collection } from './model.js';

const FIXTURE_DB = '/work/shared/pocketbase-compat/fixture/data.db';

const FIXTURE_ORDER = [
  'users',
  'demo1',
  'demo2',
  'demo3',
  'demo4',
  'clients',
  'nologin',
  'demo5',
  'view1',
  'view2',
  'numeric_id_view',
  '_superusers',
  '_externalAuths',
  '_mfas',
  '_otps',
  '_authOrigins',
];

interface StoredRow {
  name: string;
  fields: string;
  indexes: string;
  options: string;
}

let fixtureDir = '';
let fixture: Database;
let fixtureCollections: Collection[] = [];

describe('the PocketBase fixture _collections', () => {
  before(async () => {
    fixtureDir = await mkdtemp(join(tmpdir(), 'plinth-collections-'));
    await copyFile(FIXTURE_DB, join(fixtureDir, 'data.db'));
    fixture = await openSqlite({ file: join(fixtureDir, 'data.db') });
    fixtureCollections = await readAllCollections(fixture);
  });
  after(async () => {
    await fixture.close();
    await rm(fixtureDir, { recursive: true, force: true });
  });

  test('every collection loads, in rowid order', () => {
    assert.deepEqual(
      fixtureCollections.map((c) => c.name),
      FIXTURE_ORDER,
    );
  });

  test('fields, indexes and options serialise back to what is stored', async () => {
    const rows = await fixture.all<StoredRow>('SELECT name, fields, indexes, options FROM _collections');
    for (const row of rows) {
      const c = fixtureCollections.find((x) => x.name === row.name)!;
      const storedFields = JSON.parse(row.fields) as Array<Record<string, unknown>>;
      const fields = c.fields.map(fieldToJson);
      assert.equal(fields.length, storedFields.length, row.name);
      for (const [i, stored] of storedFields.entries()) {
        // Older PocketBase versions did not write `help`; everything they wrote comes back unchanged.
        const { help: _ignored, ...rest } = fields[i]!;
        const { help: _ignoredToo, ...storedRest } = stored;
        assert.deepEqual(rest, storedRest, `${row.name}.${String(stored['name'])}`);
      }
      assert.deepEqual(c.indexes, JSON.parse(row.indexes), row.name);

      const options = JSON.parse(row.options) as Record<string, unknown>;
      switch (c.type) {
        case 'auth': {
          const oauth2 = options['oauth2'] as { providers: unknown };
          oauth2.providers ??= []; // PocketBase may store a missing list as null
          assert.deepEqual(authOptionsToJson(c.auth!, { secrets: true }), options, row.name);
          break;
        }
        case 'view':
          assert.deepEqual({ viewQuery: c.viewQuery }, options, row.name);
          break;
        case 'base':
          assert.deepEqual(options, {}, row.name);
          break;
      }
    }
  });

  test('API JSON leaves out token and OAuth2 client secrets', () => {
    const users = fixtureCollections.find((c) => c.name === 'users')!;
    const json = JSON.stringify(collectionToJson(users));
    assert.ok(!json.includes('"secret"'));
    assert.ok(!json.includes('clientSecret'));
    assert.ok(json.includes('"clientId":"test1"'));
    assert.ok(json.includes('"identityFields":["email","username"]'));
  });
});

forEachDialect(
  (dialect, getDb) => {
    before(async () => {
      await getDb().exec(collectionsTableDdl(dialect));
    });

    test('_collections has PocketBase columns', async () => {
      const columns = (await getDb().listColumns('_collections')).map((c) => c.name);
      for (const name of ['id', 'system', 'type', 'name', 'fields', 'indexes', 'listRule', 'options', 'created', 'updated']) {
        assert.ok(columns.includes(name), name);
      }
    });

    test('every fixture collection round-trips through _collections', async () => {
      const db = getDb();
      await db.transaction(async (tx) => {
        for (const c of fixtureCollections) await insertCollectionRow(tx, c);
      });
      const loaded = await readAllCollections(db);
      assert.deepEqual(loaded, fixtureCollections);
    });

    test('lookup by id or by name ignoring case; update and delete', async () => {
      const db = getDb();
      assert.equal((await readCollection(db, 'DEMO1'))?.id, 'wsmn24bux7wo113');
      assert.equal((await readCollection(db, 'wsmn24bux7wo113'))?.name, 'demo1');
      assert.equal(await readCollection(db, 'missing'), undefined);

      const demo1 = structuredClone((await readCollection(db, 'demo1'))!);
      demo1.listRule = 'id != ""';
      demo1.indexes = [];
      await updateCollectionRow(db, demo1);
      assert.deepEqual(await readCollection(db, 'demo1'), demo1);

      await deleteCollectionRow(db, demo1.id);
      assert.equal(await readCollection(db, 'demo1'), undefined);
    });

    test('the cache finds collections by id and name and lists references', async () => {
      const store = new CollectionStore(getDb());
      assert.throws(() => store.list(), /not loaded/);
      await store.reload();
      assert.equal(store.find('USERS')?.id, '_pb_users_auth_');
      assert.equal(store.find('_pb_users_auth_')?.name, 'users');
      assert.equal(store.find('demo1'), undefined);
      assert.throws(() => store.get('nope'), { code: 'not_found' });
      const refs = store.references('_pb_users_auth_').map((r) => `${r.collection.name}:${r.fields.map((f) => f.name).join('+')}`);
      assert.ok(refs.includes('view1:rel_many'), refs.join());
      assert.ok(refs.includes('view2:rel_many'), refs.join());
      assert.ok(!refs.some((r) => r.startsWith('demo2:')), refs.join());
      store.dispose();
    });
  },
  { title: 'collection store' },
);
