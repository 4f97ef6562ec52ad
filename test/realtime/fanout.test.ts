// The record fan-out on both engines, driven in-process (a recording sink per client): which
// events each subscription receives for filters, fields, cascades, truncates and auth changes,
// and how many check statements an event costs when subscribers share a rule.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Core } from '../../src/core/index.js';
import type { RealtimeAuth, RealtimeClient, RealtimeMessage } from '../../src/core/realtime/index.js';
import type { RecordModel } from '../../src/core/records/record.js';
import type { RequestInfo } from '../../src/core/rules/request-info.js';
import { startTestApp, type TestApp } from '../support/app.js';

const ADMIN: RequestInfo = { auth: null, isSuperuser: true, method: 'POST', query: {}, headers: {}, body: {}, context: 'default' };
const GUEST: RealtimeAuth = { record: null, isSuperuser: false };
const SU: RealtimeAuth = { record: null, isSuperuser: true };

interface Listener {
  client: RealtimeClient;
  received: Array<{ topic: string; action: string; record: Record<string, unknown> }>;
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`realtime fan-out [${dialect}]`, () => {
    let t: TestApp;
    let core: Core;
    const users: Record<'ann' | 'bob', RecordModel> = {} as never;
    let listeners: Listener[] = [];

    function listen(auth: RealtimeAuth, topics: string[]): Listener {
      const received: Listener['received'] = [];
      const sink = {
        send(message: RealtimeMessage) {
          const data = message.data as { action: string; record: Record<string, unknown> };
          received.push({ topic: message.name, action: data.action, record: data.record });
          return true;
        },
        close() {},
      };
      const client = core.realtime.connect(sink, auth, '');
      core.realtime.setSubscriptions({ id: client.id, ip: '' }, auth, topics);
      const listener = { client, received };
      listeners.push(listener);
      return listener;
    }

    /** `action id` lines of what a listener got for one topic prefix, after all pending events went out. */
    async function seen(listener: Listener, topicPrefix = ''): Promise<string[]> {
      await core.realtimeFanout.idle();
      return listener.received.filter((e) => e.topic.startsWith(topicPrefix)).map((e) => `${e.action} ${String(e.record.id)}`);
    }

    async function userAuth(id: string): Promise<RealtimeAuth> {
      const users = core.records.collection('users');
      const record = await core.records.findWithRule(core.db, { collection: users, id }, { request: ADMIN, rule: '' });
      return { record: record!, isSuperuser: false };
    }

    /** Creates a record and waits until its event went out (to whoever listened at the time). */
    async function create(collection: string, body: Record<string, unknown>): Promise<string> {
      const id = String((await core.records.create(collection, ADMIN, body)).id);
      await core.realtimeFanout.idle();
      return id;
    }

    before(async () => {
      t = await startTestApp(dialect);
      core = t.app.core;
      for (const name of ['ann', 'bob'] as const) {
        const id = await create('users', { email: `${name}@example.com`, password: 'user-password-1', passwordConfirm: 'user-password-1', name });
        users[name] = (await userAuth(id)).record!;
      }
      const ownerOnly = 'owner = @request.auth.id';
      await core.collections.create({
        name: 'notes',
        type: 'base',
        listRule: ownerOnly,
        viewRule: ownerOnly,
        fields: [
          { name: 'title', type: 'text' },
          { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
        ],
      });
      await core.collections.create({ name: 'posts', type: 'base', listRule: '', viewRule: '', fields: [{ name: 'title', type: 'text' }] });
      const posts = core.records.collection('posts');
      await core.collections.create({
        name: 'comments',
        type: 'base',
        listRule: '',
        viewRule: '',
        fields: [
          { name: 'body', type: 'text' },
          { name: 'post', type: 'relation', collectionId: posts.id, maxSelect: 1, cascadeDelete: true },
        ],
      });
      await core.collections.create({
        name: 'tags',
        type: 'base',
        listRule: '',
        viewRule: '',
        fields: [
          { name: 'label', type: 'text' },
          { name: 'posts', type: 'relation', collectionId: posts.id, maxSelect: 5 },
        ],
      });
    });

    beforeEach(() => {
      for (const { client } of listeners) core.realtime.disconnect(client.id);
      listeners = [];
      core.realtimeFanout.mode = 'grouped';
    });

    after(async () => {
      await t?.close();
    });

    test('a subscription filter narrows the events; fields trims the record; a bad filter sends nothing', async () => {
      const filtered = listen(GUEST, [`posts/*?options=${encodeURIComponent(JSON.stringify({ query: { filter: "title ~ 'keep'", fields: 'id,title' } }))}`]);
      const broken = listen(GUEST, [`posts/*?options=${encodeURIComponent(JSON.stringify({ query: { filter: 'title ~~ (' } }))}`]);
      const plain = listen(GUEST, ['posts/*']);
      const kept = await create('posts', { title: 'keep me' });
      const dropped = await create('posts', { title: 'drop me' });
      assert.deepEqual(await seen(filtered), [`create ${kept}`]);
      assert.deepEqual(Object.keys(filtered.received[0]!.record).sort(), ['id', 'title']);
      assert.deepEqual(await seen(broken), []);
      assert.deepEqual(await seen(plain), [`create ${kept}`, `create ${dropped}`]);
    });

    test('an update that leaves the filter is not sent; one that enters it is', async () => {
      const id = await create('posts', { title: 'out' });
      const filtered = listen(GUEST, [`posts/${id}?options=${encodeURIComponent(JSON.stringify({ query: { filter: "title = 'in'" } }))}`]);
      await core.records.update({ ref: 'posts', id }, { ...ADMIN, method: 'PATCH' }, { title: 'in' });
      await core.records.update({ ref: 'posts', id }, { ...ADMIN, method: 'PATCH' }, { title: 'out again' });
      assert.deepEqual(await seen(filtered), [`update ${id}`]);
      assert.equal(filtered.received[0]!.record.title, 'in');
    });

    test('a cascade announces every deleted record and every record that lost a reference', async () => {
      const post = await create('posts', { title: 'parent' });
      const comment = await create('comments', { body: 'child', post });
      const other = await create('posts', { title: 'other' });
      const tag = await create('tags', { label: 't', posts: [post, other] });
      const watcher = listen(GUEST, ['posts/*', 'comments/*', 'tags/*']);
      await core.records.delete('posts', post, { ...ADMIN, method: 'DELETE' });
      assert.deepEqual(await seen(watcher), [`delete ${post}`, `delete ${comment}`, `update ${tag}`]);
      assert.deepEqual(watcher.received[2]!.record.posts, [other]);
      assert.equal(watcher.received[1]!.record.body, 'child', 'a delete carries the record as it was');
    });

    test('truncating a collection announces a delete per record', async () => {
      await core.collections.create({ name: 'scratch', type: 'base', listRule: '', viewRule: '', fields: [{ name: 'n', type: 'number' }] });
      const ids = [await create('scratch', { n: 1 }), await create('scratch', { n: 2 })];
      const watcher = listen(GUEST, ['scratch/*']);
      await core.records.truncate('scratch');
      assert.deepEqual((await seen(watcher)).sort(), ids.map((id) => `delete ${id}`).sort());
    });

    test('writes in a records transaction go out after the commit, in order; a rollback sends nothing', async () => {
      const watcher = listen(GUEST, ['posts/*']);
      let first = '';
      await core.records.transaction(async (tx) => {
        first = String((await core.records.create('posts', ADMIN, { title: 'one' }, { exec: tx })).id);
        await core.records.update({ ref: 'posts', id: first }, { ...ADMIN, method: 'PATCH' }, { title: 'two' }, { exec: tx });
        await core.realtimeFanout.idle();
        assert.deepEqual(watcher.received, [], 'nothing before the commit');
      });
      await assert.rejects(
        core.records.transaction(async (tx) => {
          await core.records.create('posts', ADMIN, { title: 'never' }, { exec: tx });
          throw new Error('roll back');
        }),
      );
      assert.deepEqual(await seen(watcher), [`create ${first}`, `update ${first}`]);
    });

    test('owner-only rules: each user sees only their notes, superusers all, guests none', async () => {
      const ann = listen(await userAuth(String(users.ann.values.id)), ['notes/*']);
      const bob = listen(await userAuth(String(users.bob.values.id)), ['notes/*']);
      const guest = listen(GUEST, ['notes/*']);
      const su = listen(SU, ['notes/*']);
      const annNote = await create('notes', { title: 'a', owner: users.ann.values.id });
      const bobNote = await create('notes', { title: 'b', owner: users.bob.values.id });
      assert.deepEqual(await seen(ann), [`create ${annNote}`]);
      assert.deepEqual(await seen(bob), [`create ${bobNote}`]);
      assert.deepEqual(await seen(guest), []);
      assert.deepEqual(await seen(su), [`create ${annNote}`, `create ${bobNote}`]);
    });

    test('subscribers sharing a rule share one batched statement; the per-client mode runs one each', async () => {
      const ids = [String(users.ann.values.id), String(users.bob.values.id)];
      const all: Listener[] = [];
      for (let i = 0; i < 20; i++) all.push(listen(await userAuth(ids[i % 2]!), ['notes/*']));
      const counted = async (mode: 'grouped' | 'per-client') => {
        core.realtimeFanout.mode = mode;
        await core.realtimeFanout.idle();
        const before = core.realtimeFanout.stats();
        await create('notes', { title: mode, owner: ids[0] });
        await core.realtimeFanout.idle();
        const after = core.realtimeFanout.stats();
        return { queries: after.checkQueries - before.checkQueries, deliveries: after.deliveries - before.deliveries };
      };
      assert.deepEqual(await counted('grouped'), { queries: 1, deliveries: 10 });
      assert.deepEqual(await counted('per-client'), { queries: 20, deliveries: 10 });
      const annCounts = all.filter((_, i) => i % 2 === 0).map((l) => l.received.length);
      const bobCounts = all.filter((_, i) => i % 2 === 1).map((l) => l.received.length);
      assert.deepEqual(annCounts, Array(10).fill(2));
      assert.deepEqual(bobCounts, Array(10).fill(0));
    });

    test('subscription changes between events take effect at the next event', async () => {
      const watcher = listen(GUEST, ['posts/*']);
      const first = await create('posts', { title: 'first' });
      core.realtime.setSubscriptions({ id: watcher.client.id, ip: '' }, GUEST, []);
      await create('posts', { title: 'unheard' });
      core.realtime.setSubscriptions({ id: watcher.client.id, ip: '' }, GUEST, ['posts/*', 'comments/*']);
      const third = await create('posts', { title: 'third' });
      core.realtime.disconnect(watcher.client.id);
      await create('posts', { title: 'gone' });
      assert.deepEqual(await seen(watcher), [`create ${first}`, `create ${third}`]);
    });

    test('a rule reading an account field groups subscribers by that field, not by who they are', async () => {
      const ann = await userAuth(String(users.ann.values.id));
      const bob = await userAuth(String(users.bob.values.id));
      const groupsFor = async (rule: string) => {
        const name = `by_${Math.random().toString(36).slice(2, 8)}`;
        await core.collections.create({ name, type: 'base', listRule: rule, viewRule: rule, fields: [{ name: 'n', type: 'number' }] });
        const listeners = [listen(ann, [`${name}/*`]), listen(bob, [`${name}/*`])];
        await core.realtimeFanout.idle();
        const before = core.realtimeFanout.stats().checkGroups;
        await create(name, { n: 1 });
        return { groups: core.realtimeFanout.stats().checkGroups - before, received: listeners.map((l) => l.received.length) };
      };
      // Both accounts are unverified: one check serves both.
      assert.deepEqual(await groupsFor('@request.auth.verified = false'), { groups: 1, received: [1, 1] });
      // Their names differ: one check each, and each gets what its own check says.
      assert.deepEqual(await groupsFor("@request.auth.name = 'ann'"), { groups: 2, received: [1, 0] });
      // An id is who the account is.
      assert.deepEqual(await groupsFor(`@request.auth.id = '${String(users.bob.values.id)}'`), { groups: 2, received: [0, 1] });
    });

    test('a public rule with no filter needs no query', async () => {
      for (let i = 0; i < 5; i++) listen(GUEST, ['posts/*']);
      await core.realtimeFanout.idle();
      const before = core.realtimeFanout.stats().checkQueries;
      await create('posts', { title: 'public' });
      await core.realtimeFanout.idle();
      assert.equal(core.realtimeFanout.stats().checkQueries, before);
      assert.equal(listeners.every((l) => l.received.length === 1), true);
    });

    test('a live client follows its account: fresh fields, then a guest after a password change or a delete', async () => {
      const id = await create('users', { email: 'carol@example.com', password: 'user-password-1', passwordConfirm: 'user-password-1', name: 'carol' });
      const carol = listen(await userAuth(id), ['notes/*']);
      await core.records.update({ ref: 'users', id }, { ...ADMIN, method: 'PATCH' }, { name: 'Carol' });
      await core.realtimeFanout.idle();
      assert.equal(carol.client.auth.record?.values.name, 'Carol');
      await create('notes', { title: 'still mine', owner: id });
      await core.records.update({ ref: 'users', id }, { ...ADMIN, method: 'PATCH' }, { password: 'new-password-22', passwordConfirm: 'new-password-22' });
      await core.realtimeFanout.idle();
      assert.equal(carol.client.auth.record, null, 'a password change rotates tokenKey: the old token no longer names anyone');
      await create('notes', { title: 'not for a guest', owner: id });
      assert.deepEqual((await seen(carol)).length, 1);

      const dave = await create('users', { email: 'dave@example.com', password: 'user-password-1', passwordConfirm: 'user-password-1' });
      const daveClient = listen(await userAuth(dave), ['notes/*']);
      await core.records.delete('users', dave, { ...ADMIN, method: 'DELETE' });
      await core.realtimeFanout.idle();
      assert.equal(daveClient.client.auth.record, null);
    });

    test('a rotated token secret turns the collection’s live clients into guests', async () => {
      const ann = listen(await userAuth(String(users.ann.values.id)), ['notes/*']);
      const users_ = core.records.collection('users');
      await core.collections.update(users_.id, { authToken: { duration: 1209600, secret: 'a-brand-new-secret-of-thirty-chars-or-more' } });
      await create('notes', { title: 'after rotation', owner: users.ann.values.id });
      assert.deepEqual(await seen(ann), []);
      assert.equal(ann.client.auth.record, null);
    });
  });
}
