import { installedCollectionService } from './test-service.js';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { forEachDialect } from '../../db/testing.js';
import type { Database, Executor } from '../../db/types.js';
import { AppError, ValidationError } from '../errors/index.js';
import type { CollectionService } from './collection-service.js';
import type { CollectionStore } from './collection-store.js';
import { decodeValue, encodeValue } from './fields/index.js';
import type { Collection } from './model.js';
import { PG_ROWID_COLUMN } from './names.js';
import { relationColumns } from './views/view-ddl.js';

const clock = { now: () => new Date('2024-02-03T04:05:06.789Z') };
let secrets = 0;
const newSecret = (): string => `s${String(++secrets).padStart(49, '0')}`;

async function columnsOf(ex: Executor, table: string): Promise<string[]> {
  return (await relationColumns(ex, table)).map((c) => c.name);
}

async function insert(db: Database, c: Collection, values: Record<string, unknown>): Promise<void> {
  const names = Object.keys(values);
  const params = names.map((n) => encodeValue(c.fields.find((f) => f.name === n)!, values[n], db.dialect.name));
  const cols = names.map((n) => db.dialect.quoteIdent(n)).join(', ');
  await db.run(`INSERT INTO ${db.dialect.quoteIdent(c.name)} (${cols}) VALUES (${names.map(() => '?').join(', ')})`, params);
}

async function select(db: Database, c: Collection, names: string[]): Promise<Array<Record<string, unknown>>> {
  const rows = await db.all(`SELECT * FROM ${db.dialect.quoteIdent(c.name)} ORDER BY ${db.dialect.quoteIdent('id')}`);
  return rows.map((row) => Object.fromEntries(names.map((n) => [n, decodeValue(c.fields.find((f) => f.name === n)!, row[n])])));
}

async function rejects(promise: Promise<unknown>, check: (err: AppError) => void): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof AppError, String(err));
    check(err);
    return true;
  });
}

forEachDialect(
  (dialect, getDb) => {
    let store: CollectionStore;
    let service: CollectionService;

    before(async () => {
      ({ store, service } = await installedCollectionService(getDb(), { clock, newSecret }));
    });

    test('the system collections are installed as PocketBase defines them', async () => {
      assert.deepEqual(
        store.list().map((c) => `${c.name}:${c.id}:${c.type}:${c.system}`),
        [
          '_mfas:pbc_2279338944:base:true',
          '_otps:pbc_1638494021:base:true',
          '_externalAuths:pbc_2281828961:base:true',
          '_authOrigins:pbc_4275539003:base:true',
          '_superusers:pbc_3142635823:auth:true',
          'users:_pb_users_auth_:auth:false',
        ],
      );
      const superusers = store.get('_superusers');
      assert.deepEqual(
        superusers.fields.map((f) => f.id),
        ['text3208210256', 'password901924565', 'text2504183744', 'email3885137012', 'bool1547992806', 'bool256245529', 'autodate2990389176', 'autodate3332085495'],
      );
      assert.equal(superusers.auth?.authToken.duration, 86400);
      assert.equal(store.get('_otps').fields.find((f) => f.name === 'password')?.type, 'password');
      assert.deepEqual(store.get('_externalAuths').indexes, [
        'CREATE UNIQUE INDEX `idx_externalAuths_record_provider` ON `_externalAuths` (collectionRef, recordRef, provider)',
        'CREATE UNIQUE INDEX `idx_externalAuths_collection_provider` ON `_externalAuths` (collectionRef, provider, providerId)',
      ]);
      const users = store.get('users');
      assert.equal(users.listRule, 'id = @request.auth.id');
      assert.equal(users.createRule, '');
      assert.deepEqual(users.auth?.oauth2.mappedFields, { id: '', name: 'name', username: '', avatarURL: 'avatar' });

      const db = getDb();
      const columns = await columnsOf(db, 'users');
      const expected = ['avatar', 'created', 'email', 'emailVisibility', 'id', 'name', 'password', 'tokenKey', 'updated', 'verified'];
      assert.deepEqual(columns, dialect === 'postgres' ? [...expected, PG_ROWID_COLUMN] : expected);

      // The unique indexes are real: a second superuser with the same email is refused.
      await insert(db, superusers, { id: 'a00000000000001', email: 'a@b.c', tokenKey: 'k1', password: 'x' });
      await assert.rejects(insert(db, superusers, { id: 'a00000000000002', email: 'a@b.c', tokenKey: 'k2', password: 'x' }));
    });

    test('create: a base collection gets its table, columns and indexes', async () => {
      const created = await service.create({
        name: 'posts',
        type: 'base',
        fields: [
          { type: 'text', name: 'title', id: 'f_title' },
          { type: 'number', name: 'votes' },
          { type: 'bool', name: 'published' },
          { type: 'select', name: 'tags', values: ['a', 'b', 'c'], maxSelect: 3 },
          { type: 'select', name: 'status', values: ['a', 'b', 'c'], maxSelect: 1 },
          { type: 'json', name: 'meta' },
          { type: 'autodate', name: 'created', onCreate: true },
        ],
        indexes: ['create index idx_posts_title on whatever (title)'],
      });
      assert.equal(created.id, 'pbc_1125843985');
      assert.equal(created.created, '2024-02-03 04:05:06.789Z');
      assert.deepEqual(created.indexes, ['CREATE INDEX `idx_posts_title` ON `posts` (`title`)']);
      assert.equal(store.get('POSTS').id, created.id, 'the cache was refreshed');

      const db = getDb();
      const columns = await columnsOf(db, 'posts');
      const expected = ['created', 'id', 'meta', 'published', 'status', 'tags', 'title', 'votes'];
      assert.deepEqual(columns, dialect === 'postgres' ? [...expected, PG_ROWID_COLUMN] : expected);
      await insert(db, created, { id: 'p1', title: 'First', votes: 3, published: true, tags: ['a', 'b'], status: 'a', meta: { k: 1 } });
      await insert(db, created, { id: 'p2', title: 'Second', tags: [], status: '' });
      assert.deepEqual(await select(db, created, ['title', 'votes', 'published', 'tags', 'status', 'meta']), [
        { title: 'First', votes: 3, published: true, tags: ['a', 'b'], status: 'a', meta: { k: 1 } },
        { title: 'Second', votes: 0, published: false, tags: [], status: '', meta: null },
      ]);
    });

    test('create: validation errors leave nothing behind', async () => {
      await rejects(service.create({ name: 'posts', type: 'base', fields: [{ type: 'text', name: '' }] }), (err) => {
        assert.ok(err instanceof ValidationError);
        assert.equal(err.message, 'Failed to create collection.');
        assert.equal((err.data['name'] as { code: string }).code, 'validation_collection_name_exists');
        assert.equal(((err.data['fields'] as Record<string, Record<string, { code: string }>>)['1']?.['name'])?.code, 'validation_required');
      });
      await rejects(
        service.create({
          name: 'broken',
          type: 'base',
          fields: [{ type: 'text', name: 'test' }],
          indexes: ['create index idx_broken1 on broken (test)', 'create index idx_broken2 on broken (missing)'],
        }),
        (err) => {
          assert.ok(err instanceof ValidationError);
          const indexes = err.data['indexes'] as Record<string, { code: string; message: string }>;
          assert.deepEqual(Object.keys(indexes), ['1']);
          assert.equal(indexes['1']?.code, 'validation_invalid_index_expression');
          assert.ok(!/no such|column|syntax/i.test(indexes['1']!.message.replace('check its columns', '')), indexes['1']!.message);
        },
      );
      assert.equal(store.find('broken'), undefined);
      assert.equal(await getDb().tableExists('broken'), false);
      await rejects(service.create({ name: 'x', type: 'base', fields: 'nope' }), (err) => {
        assert.equal(err.message, 'Failed to load the submitted data due to invalid formatting.');
      });
      await rejects(service.create({ name: 5 }), (err) => {
        assert.equal(err.message, 'Failed to load the collection type data due to invalid formatting.');
      });
    });

    test('update: renamed, added and removed fields and a renamed collection keep the data', async () => {
      const posts = store.get('posts');
      const fields = posts.fields
        .filter((f) => f.name !== 'votes')
        .map((f) => (f.name === 'title' ? { ...f, name: 'headline' } : f));
      const updated = await service.update('posts', {
        name: 'articles',
        fields: [...fields, { type: 'text', name: 'summary' }],
        indexes: ['create unique index idx_articles_headline on articles (headline)'],
      });
      assert.equal(updated.id, posts.id);
      const db = getDb();
      assert.equal(await db.tableExists('posts'), false);
      const columns = await columnsOf(db, 'articles');
      assert.ok(columns.includes('headline') && columns.includes('summary'));
      assert.ok(!columns.includes('title') && !columns.includes('votes'));
      assert.deepEqual(await select(db, updated, ['headline', 'summary', 'tags']), [
        { headline: 'First', summary: '', tags: ['a', 'b'] },
        { headline: 'Second', summary: '', tags: [] },
      ]);
      await assert.rejects(insert(db, updated, { id: 'p3', headline: 'First' }), 'the new unique index exists');
    });

    test('update: swapping two field names through temporary columns', async () => {
      const articles = store.get('articles');
      const swapped = articles.fields.map((f) =>
        f.name === 'headline' ? { ...f, name: 'summary' } : f.name === 'summary' ? { ...f, name: 'headline' } : f,
      );
      const updated = await service.update(articles.id, { fields: swapped, indexes: [] });
      assert.deepEqual(await select(getDb(), updated, ['headline', 'summary']), [
        { headline: '', summary: 'First' },
        { headline: '', summary: 'Second' },
      ]);
    });

    test('update: single ↔ multiple values convert the stored data', async () => {
      const articles = store.get('articles');
      const db = getDb();
      // single → multiple wraps values; empty becomes []
      let updated = await service.update('articles', {
        fields: articles.fields.map((f) => (f.name === 'status' ? { ...f, maxSelect: 2 } : f)),
      });
      assert.deepEqual(await select(db, updated, ['status']), [{ status: ['a'] }, { status: [] }]);
      // multiple → single keeps the last value
      updated = await service.update('articles', {
        fields: updated.fields.map((f) => (f.name === 'tags' ? { ...f, maxSelect: 1 } : f)),
      });
      assert.deepEqual(await select(db, updated, ['tags', 'status']), [
        { tags: 'b', status: ['a'] },
        { tags: '', status: [] },
      ]);
    });

    test('update: a type change is refused', async () => {
      const articles = store.get('articles');
      await rejects(
        service.update('articles', { fields: articles.fields.map((f) => (f.name === 'meta' ? { ...f, type: 'text' } : f)) }),
        (err) => {
          assert.equal(err.message, 'Failed to update collection.');
          assert.ok(JSON.stringify(err.data).includes('validation_field_type_change'));
        },
      );
    });

    test('update: an unknown collection is a 404', async () => {
      await rejects(service.update('missing', {}), (err) => assert.equal(err.code, 'not_found'));
    });

    test('views: fields are inferred from the query and the view is created', async () => {
      const view = await service.create({
        name: 'article_stats',
        type: 'view',
        fields: [{ type: 'text', name: 'ignored' }],
        viewQuery: `select a.id, a.summary as title, a.published, a.meta, count(a.id) as total,
          cast(a.id as text) as label, a.created from articles a group by a.id, a.summary, a.published, a.meta, a.created`,
      });
      assert.deepEqual(
        view.fields.map((f) => `${f.name}:${f.type}`),
        ['id:text', 'title:text', 'published:bool', 'meta:json', 'total:number', 'label:text', 'created:autodate'],
      );
      assert.ok(view.fields[1]!.id.startsWith('_clone_'));
      const rows = await getDb().all<{ id: string; title: string }>('SELECT id, title FROM article_stats ORDER BY id');
      assert.deepEqual(rows, [
        { id: 'p1', title: 'First' },
        { id: 'p2', title: 'Second' },
      ]);
    });

    test('views: numeric ids are cast to text', async () => {
      await service.create({
        name: 'numbered',
        type: 'view',
        viewQuery: 'select (ROW_NUMBER() OVER()) as id, a.summary from articles a',
      });
      const rows = await getDb().all<{ id: unknown }>('SELECT id FROM numbered');
      assert.deepEqual(rows.map((r) => typeof r.id), ['string', 'string']);
    });

    test('views: invalid queries are validation errors with safe messages', async () => {
      const db = getDb();
      const countArticles = async (): Promise<number> =>
        Number((await db.get<{ n: number }>(`SELECT COUNT(*) AS ${db.dialect.quoteIdent('n')} FROM ${db.dialect.quoteIdent('articles')}`))?.n);
      const rowsBefore = await countArticles();
      assert.ok(rowsBefore > 0);
      const writes = [
        'delete from articles returning id',
        'with gone as (delete from articles returning id) select id from gone',
        'select id from articles; drop table articles',
        'update articles set headline = id returning id',
      ];
      for (const viewQuery of ['select title from articles', 'select * from articles', 'select id from missing', 'nonsense', ...writes]) {
        await rejects(service.create({ name: 'bad_view', type: 'view', viewQuery }), (err) => {
          assert.ok(err instanceof ValidationError, viewQuery);
          const e = err.data['viewQuery'] as { code: string; message: string };
          assert.equal(e.code, 'validation_invalid_view_query', viewQuery);
          assert.ok(!/no such|syntax|relation/i.test(e.message), e.message);
        });
      }
      assert.equal(store.find('bad_view'), undefined);
      assert.equal(await countArticles(), rowsBefore, 'no query wrote anything');
    });

    test('views: a dry run returns fields and a sample, and keeps nothing', async () => {
      const trial = await service.dryRunView("select a.id, a.summary from articles a where a.summary != ''");
      assert.deepEqual(
        trial.fields.map((f) => f.name),
        ['id', 'summary'],
      );
      assert.deepEqual(trial.rows, [
        { id: 'p1', summary: 'First' },
        { id: 'p2', summary: 'Second' },
      ]);
      const { relationNames } = await import('./schema/catalog.js');
      const names = [...(await relationNames(getDb()))];
      assert.ok(!names.some((n) => n.startsWith('_temp_')), names.join());
      await assert.rejects(service.dryRunView("select '' as id"), /empty or invalid ids/);
      await assert.rejects(service.dryRunView('(select 1 as id union all select 1 as id)'), /non-unique ids/);
    });

    test('views survive a value-shape change of a column they read', async () => {
      const articles = store.get('articles');
      await service.update('articles', {
        fields: articles.fields.map((f) => (f.name === 'status' ? { ...f, maxSelect: 1 } : f)),
      });
      const rows = await getDb().all('SELECT id FROM article_stats');
      assert.equal(rows.length, 2);
    });

    test('views: renaming a view collection renames the view', async () => {
      await service.update('numbered', { name: 'numbered2' });
      const db = getDb();
      assert.equal((await db.all('SELECT id FROM numbered2')).length, 2);
      await assert.rejects(db.all('SELECT id FROM numbered'));
    });

    test('update: removing a field a view reads is refused, with a safe message', async () => {
      const articles = store.get('articles');
      await rejects(
        service.update('articles', { fields: articles.fields.filter((f) => f.name !== 'published') }),
        (err) => {
          assert.equal(err.code, 'bad_request');
          assert.equal(err.message, 'Failed to update collection - the change would break a view that depends on it.');
        },
      );
      assert.ok((await columnsOf(getDb(), 'articles')).includes('published'), 'the column is still there');
    });

    test('views follow option changes of the fields they clone', async () => {
      const articles = store.get('articles');
      await service.update('articles', {
        fields: articles.fields.map((f) => (f.name === 'summary' ? { ...f, max: 77 } : f)),
      });
      const title = store.get('article_stats').fields.find((f) => f.name === 'title');
      assert.ok(title?.type === 'text');
      assert.equal(title.max, 77);
    });

    test('scaffolds: one blank collection per type, without ids or secrets', () => {
      const scaffolds = service.scaffolds();
      assert.deepEqual(Object.keys(scaffolds).sort(), ['auth', 'base', 'view']);
      for (const [type, json] of Object.entries(scaffolds)) {
        assert.equal(json['id'], '');
        assert.equal(json['name'], '');
        assert.equal(json['type'], type);
      }
      assert.equal((scaffolds.base['fields'] as Array<{ id: string }>)[0]?.id, 'text3208210256');
      assert.ok(!JSON.stringify(scaffolds).includes('"secret"'));
    });

    test('saveCollection creates or updates a complete definition', async () => {
      const draft = (await import('./collection-input.js')).scaffoldCollection('base', 'imported', { id: 'imported_1' });
      const created = await service.saveCollection(draft);
      assert.equal(created.id, 'imported_1');
      assert.ok(await getDb().tableExists('imported'));
      const renamed = await service.saveCollection({ ...created, name: 'imported2' });
      assert.equal(renamed.created, created.created);
      assert.ok(await getDb().tableExists('imported2'));
      await service.delete('imported2');
    });

    test('delete: refused for system collections, referenced collections and view dependencies', async () => {
      await rejects(service.delete('_mfas'), (err) => assert.equal(err.code, 'bad_request'));
      await service.create({
        name: 'comments',
        type: 'base',
        fields: [{ type: 'relation', name: 'article', collectionId: store.get('articles').id, maxSelect: 1 }],
      });
      await rejects(service.delete('articles'), (err) =>
        assert.equal(err.message, 'Failed to delete collection probably due to existing reference in comments.'),
      );
      await service.delete('comments');
      await rejects(service.delete('articles'), (err) => {
        assert.match(err.message, /view dependency in (article_stats, numbered2|numbered2, article_stats)/);
      });
      assert.ok(await getDb().tableExists('articles'), 'nothing was dropped');
      assert.ok(store.find('articles'));
    });

    test('delete: views and then their table', async () => {
      await service.delete('article_stats');
      await service.delete('numbered2');
      const deleted = await service.delete('articles');
      assert.equal(deleted.name, 'articles');
      assert.equal(await getDb().tableExists('articles'), false);
      assert.equal(store.find('articles'), undefined);
      await rejects(service.delete('articles'), (err) => assert.equal(err.code, 'not_found'));
    });

    test('auth: a changed auth rule rotates the auth token secret', async () => {
      const created = await service.create({ name: 'members', type: 'auth' });
      assert.deepEqual(
        created.indexes.map((i) => i.split(' ON ')[0]),
        ['CREATE UNIQUE INDEX `idx_tokenKey_pbc_2620428958`', 'CREATE UNIQUE INDEX `idx_email_pbc_2620428958`'],
      );
      const before = created.auth!.authToken.secret;
      const same = await service.update('members', { authRule: '' });
      assert.equal(same.auth!.authToken.secret, before);
      const changed = await service.update('members', { authRule: 'verified = true' });
      assert.notEqual(changed.auth!.authToken.secret, before);
      assert.equal(store.get('members').auth!.authToken.secret, changed.auth!.authToken.secret);
    });

    test('delete: an auth collection takes the auth rows of its records along', async () => {
      const db = getDb();
      const q = (n: string): string => db.dialect.quoteIdent(n);
      const members = store.get('members');
      const users = store.get('users');
      const add = (table: string, id: string, collectionRef: string, extra: Record<string, string>): Promise<unknown> => {
        const values: Record<string, string> = { id, collectionRef, recordRef: 'r1', ...extra };
        const names = Object.keys(values);
        return db.run(`INSERT INTO ${q(table)} (${names.map(q).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`, Object.values(values));
      };
      await add('_mfas', 'mfa000000000001', members.id, { method: 'password' });
      await add('_mfas', 'mfa000000000002', users.id, { method: 'password' });
      await add('_externalAuths', 'ext000000000001', members.id, { provider: 'google', providerId: 'g1' });
      await add('_authOrigins', 'ori000000000001', members.id, { fingerprint: 'f1' });
      await add('_otps', 'otp000000000001', members.id, { password: 'x' });
      await service.delete('members');
      for (const table of ['_mfas', '_externalAuths', '_authOrigins', '_otps']) {
        const rows = await db.all<{ id: string }>(`SELECT ${q('id')} FROM ${q(table)}`);
        assert.deepEqual(rows.map((r) => r.id), table === '_mfas' ? ['mfa000000000002'] : [], table);
      }
    });

    test('create: a derived id that is taken gets a number', async () => {
      const first = await service.create({ name: 'Dup', type: 'base' });
      await service.update(first.id, { name: 'dup_renamed' });
      const second = await service.create({ name: 'Dup', type: 'base' });
      assert.equal(second.id, `${first.id}2`);
    });
  },
  { title: 'collection service' },
);
