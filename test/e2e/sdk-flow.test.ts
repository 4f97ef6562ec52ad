// The whole data flow through the official `pocketbase` SDK against the real CLI,
// on SQLite and on PostgreSQL: superuser login, collections with relations and rules,
// users, CRUD, list with filter/sort/expand/fields, rule-protected access, batch.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import PocketBase, { ClientResponseError } from 'pocketbase';
import { runCliToEnd, startServer, tempDir, type RunningServer } from '../support/server.js';
import { freshPostgresUrl } from '../support/pg.js';

const ADMIN = { email: 'admin@example.com', password: 'admin-password-123' };

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`SDK end-to-end [${engine}]`, () => {
    let server: RunningServer;
    let pg: { url: string; cleanup(): Promise<void> } | undefined;
    let admin: PocketBase;

    before(async () => {
      const dir = tempDir();
      const dbArgs: string[] = [];
      if (engine === 'postgres') {
        pg = await freshPostgresUrl();
        dbArgs.push('--db', pg.url);
      }
      const created = await runCliToEnd(['superuser', 'upsert', ADMIN.email, ADMIN.password, '--dir', dir, ...dbArgs]);
      assert.equal(created.code, 0, created.stderr);
      server = await startServer({ dir, db: pg?.url });
      admin = new PocketBase(server.url);
      await admin.collection('_superusers').authWithPassword(ADMIN.email, ADMIN.password);
    });

    after(async () => {
      await server?.stop();
      await pg?.cleanup();
    });

    test('superuser creates collections with relations and rules', async () => {
      const users = await admin.collections.getOne('users');
      assert.equal(users.type, 'auth');
      const authors = await admin.collections.create({
        name: 'authors',
        type: 'base',
        listRule: '',
        viewRule: '',
        fields: [{ name: 'name', type: 'text', required: true }],
      });
      await admin.collections.create({
        name: 'posts',
        type: 'base',
        listRule: 'published = true || owner = @request.auth.id',
        viewRule: 'published = true || owner = @request.auth.id',
        createRule: '@request.auth.id != "" && owner = @request.auth.id',
        updateRule: 'owner = @request.auth.id',
        deleteRule: 'owner = @request.auth.id',
        fields: [
          { name: 'title', type: 'text', required: true, max: 100 },
          { name: 'views', type: 'number' },
          { name: 'published', type: 'bool' },
          { name: 'tags', type: 'select', values: ['a', 'b', 'c'], maxSelect: 3 },
          { name: 'author', type: 'relation', collectionId: authors.id, maxSelect: 1 },
          { name: 'owner', type: 'relation', collectionId: users.id, maxSelect: 1 },
          { name: 'created', type: 'autodate', onCreate: true, onUpdate: false },
        ],
      });
      const list = await admin.collections.getFullList({ filter: 'name ~ "post"' });
      assert.deepEqual(list.map((c) => c.name), ['posts']);
    });

    test('users sign up, log in and are bound by the rules', async () => {
      const guest = new PocketBase(server.url);
      for (const name of ['alice', 'bob']) {
        await guest.collection('users').create({
          email: `${name}@example.com`,
          password: 'secret-password',
          passwordConfirm: 'secret-password',
          name,
        });
      }
      const alice = new PocketBase(server.url);
      const auth = await alice.collection('users').authWithPassword('alice@example.com', 'secret-password');
      assert.equal(auth.record.email, 'alice@example.com');
      assert.equal(auth.record.password, undefined);
      assert.equal(auth.record.tokenKey, undefined);

      const author = await admin.collection('authors').create({ name: 'Ann' });
      const own = await alice.collection('posts').create({
        title: 'Alice draft',
        views: 3,
        tags: ['a', 'b'],
        author: author.id,
        owner: auth.record.id,
      });
      assert.equal(own.published, false);
      await alice.collection('posts').create({ title: 'Alice public', views: 10, published: true, author: author.id, owner: auth.record.id });

      // Creating for someone else breaks the create rule: 400.
      const bobId = (await admin.collection('users').getFirstListItem('email = "bob@example.com"')).id;
      await assert.rejects(
        alice.collection('posts').create({ title: 'forged', owner: bobId }),
        (err: unknown) => err instanceof ClientResponseError && err.status === 400,
      );

      // A guest sees only published posts; the draft answers 404.
      const guestList = await guest.collection('posts').getFullList();
      assert.deepEqual(guestList.map((p) => p.title), ['Alice public']);
      await assert.rejects(guest.collection('posts').getOne(own.id), (err: unknown) => err instanceof ClientResponseError && err.status === 404);

      // Bob can neither update nor delete Alice's post.
      const bob = new PocketBase(server.url);
      await bob.collection('users').authWithPassword('bob@example.com', 'secret-password');
      await assert.rejects(bob.collection('posts').update(own.id, { title: 'x' }), (err: unknown) => err instanceof ClientResponseError && err.status === 404);
      await assert.rejects(bob.collection('posts').delete(own.id), (err: unknown) => err instanceof ClientResponseError && err.status === 404);

      // Alice updates with a modifier and lists with filter, sort, expand and fields.
      const updated = await alice.collection('posts').update(own.id, { 'views+': 2, 'tags-': 'a' });
      assert.equal(updated.views, 5);
      assert.deepEqual(updated.tags, ['b']);
      const page = await alice.collection('posts').getList(1, 10, {
        filter: 'views >= 5',
        sort: '-views',
        expand: 'author',
        fields: 'id,title,views,expand.author.name',
      });
      assert.equal(page.totalItems, 2);
      assert.deepEqual(
        page.items.map((p) => [p.title, p.views, p.expand?.author?.name]),
        [
          ['Alice public', 10, 'Ann'],
          ['Alice draft', 5, 'Ann'],
        ],
      );
      assert.deepEqual(Object.keys(page.items[0]!).sort(), ['expand', 'id', 'title', 'views']);

      // Client filters may not reach into @request.
      await assert.rejects(
        alice.collection('posts').getList(1, 10, { filter: '@request.auth.id != ""' }),
        (err: unknown) => err instanceof ClientResponseError && err.status === 403,
      );

      await alice.collection('posts').delete(own.id);
      await assert.rejects(alice.collection('posts').getOne(own.id), (err: unknown) => err instanceof ClientResponseError && err.status === 404);
    });

    test('batch writes commit together or not at all', async () => {
      const first = admin.createBatch();
      first.collection('authors').create({ name: 'B1' });
      first.collection('authors').create({ name: 'B2' });
      const ok = await first.send();
      assert.deepEqual(ok.map((r: { status: number }) => r.status), [200, 200]);
      const before = await admin.collection('authors').getList(1, 1, { filter: 'name ~ "B"' });

      const batch = admin.createBatch();
      batch.collection('authors').create({ name: 'B3' });
      batch.collection('authors').create({ name: '' }); // required: fails
      await assert.rejects(batch.send(), (err: unknown) => {
        assert.ok(err instanceof ClientResponseError);
        assert.equal(err.status, 400);
        assert.equal((err.response.data as { requests: Record<string, { code: string }> }).requests['1']!.code, 'batch_request_failed');
        return true;
      });
      const afterList = await admin.collection('authors').getList(1, 1, { filter: 'name ~ "B"' });
      assert.equal(afterList.totalItems, before.totalItems);
    });
  });
}
