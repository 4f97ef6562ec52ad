// One user reaching for another user's records under each rule shape, both engines: owner-only
// (`id = @request.auth.id`), relation owner (`owner = @request.auth.id`), `@request.auth.verified
// = true`, an `@collection` grant and a `null` rule. Lists leave the record out, view/update/delete
// answer 404 (403 for a null rule), and nothing is written. Filters cannot read through a
// relation what the related collection's list rule hides, nor match on hidden fields.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DIALECTS,
  assertErrorBody,
  createUser,
  send,
  startAttackApp,
  unchanged,
  type AttackEnv,
  type TestUser,
} from './attacks-support.js';

const ONLY_SUPERUSERS = 'Only superusers can perform this action.';
const NOT_FOUND = "The requested resource wasn't found.";

interface Shape {
  name: string;
  collection: string;
  /** The id of a record Alice may reach and Bob may not. */
  target(): string;
}

for (const dialect of DIALECTS) {
  describe(`attacks: one user against another's records [${dialect}]`, () => {
    let env: AttackEnv;
    let alice: TestUser;
    let bob: TestUser;
    const ids: Record<string, string> = {};

    function allRules(rule: string | null) {
      return { listRule: rule, viewRule: rule, createRule: rule, updateRule: rule, deleteRule: rule };
    }

    before(async () => {
      env = await startAttackApp(dialect);
      alice = await createUser(env, 'users', 'alice@example.com', { verified: true, name: 'Alice' });
      bob = await createUser(env, 'users', 'bob@example.com', { name: 'Bob' });
      const usersId = env.app.core.registry.byNameOrId('users')!.id;
      const owner = { name: 'owner', type: 'relation', collectionId: usersId, maxSelect: 1 };
      const title = { name: 'title', type: 'text' };
      await env.admin.collections.create({ name: 'posts', type: 'base', fields: [owner, title], ...allRules('owner = @request.auth.id') });
      await env.admin.collections.create({ name: 'notes', type: 'base', fields: [title], ...allRules('@request.auth.verified = true') });
      await env.admin.collections.create({ name: 'grants', type: 'base', fields: [{ ...owner, name: 'user' }], ...allRules(null) });
      await env.admin.collections.create({ name: 'vault', type: 'base', fields: [title], ...allRules('@collection.grants.user ?= @request.auth.id') });
      await env.admin.collections.create({ name: 'locked', type: 'base', fields: [title], ...allRules(null) });
      // A public wall whose rows point at users (whose own list rule is owner-only).
      await env.admin.collections.create({ name: 'wall', type: 'base', fields: [owner, title], ...allRules('') });
      ids.posts = (await env.admin.collection('posts').create({ owner: alice.id, title: 'alice post' })).id;
      ids.notes = (await env.admin.collection('notes').create({ title: 'alice note' })).id;
      await env.admin.collection('grants').create({ user: alice.id });
      ids.vault = (await env.admin.collection('vault').create({ title: 'alice secret' })).id;
      ids.locked = (await env.admin.collection('locked').create({ title: 'locked' })).id;
      await env.admin.collection('wall').create({ owner: alice.id, title: 'hello' });
    });

    after(() => env?.close());

    const shapes: Shape[] = [
      { name: 'owner-only rule (users)', collection: 'users', target: () => alice.id },
      { name: 'relation-owner rule', collection: 'posts', target: () => ids.posts! },
      { name: '@request.auth.verified rule', collection: 'notes', target: () => ids.notes! },
      { name: '@collection rule', collection: 'vault', target: () => ids.vault! },
    ];

    for (const shape of shapes) {
      test(`${shape.name}: Alice reaches it, Bob can neither list, view, update nor delete it`, async () => {
        const path = `/api/collections/${shape.collection}/records`;
        const id = shape.target();
        // Alice can, so the rule is not simply closed.
        assert.equal((await send(env, `${path}/${id}`, { token: alice.token })).status, 200);
        await unchanged(env.app, async () => {
          const list = await send(env, `${path}?filter=${encodeURIComponent(`id = "${id}"`)}`, { token: bob.token });
          assert.equal(list.status, 200, list.text);
          assert.equal(list.body?.totalItems, 0);
          assertErrorBody(await send(env, `${path}/${id}`, { token: bob.token }), 404, NOT_FOUND);
          const patch = await send(env, `${path}/${id}`, { method: 'PATCH', json: { title: 'pwned', name: 'pwned' }, token: bob.token });
          assertErrorBody(patch, 404, NOT_FOUND);
          assertErrorBody(await send(env, `${path}/${id}`, { method: 'DELETE', token: bob.token }), 404, NOT_FOUND);
          // A guest fares no better.
          assertErrorBody(await send(env, `${path}/${id}`), 404, NOT_FOUND);
        });
      });
    }

    test('relation-owner rule: Bob cannot create a post in Alice’s name', async () => {
      await unchanged(env.app, async () => {
        const res = await send(env, '/api/collections/posts/records', { json: { owner: alice.id, title: 'forged' }, token: bob.token });
        assertErrorBody(res, 400, 'Failed to create record.');
      });
    });

    test('a null rule: only superusers, whoever the user', async () => {
      const path = '/api/collections/locked/records';
      await unchanged(env.app, async () => {
        for (const token of [alice.token, bob.token]) {
          assertErrorBody(await send(env, path, { token }), 403, ONLY_SUPERUSERS);
          assertErrorBody(await send(env, `${path}/${ids.locked}`, { token }), 403, ONLY_SUPERUSERS);
          assertErrorBody(await send(env, path, { json: { title: 'x' }, token }), 403, ONLY_SUPERUSERS);
          assertErrorBody(await send(env, `${path}/${ids.locked}`, { method: 'PATCH', json: { title: 'x' }, token }), 403, ONLY_SUPERUSERS);
          assertErrorBody(await send(env, `${path}/${ids.locked}`, { method: 'DELETE', token }), 403, ONLY_SUPERUSERS);
        }
      });
    });

    test("auth-refresh of another collection with a user's token", async () => {
      await unchanged(env.app, async () => {
        for (const collection of ['_superusers', 'staffless']) {
          const res = await send(env, `/api/collections/${collection}/auth-refresh`, { method: 'POST', token: bob.token });
          assertErrorBody(res, 403, 'The request requires auth record from users collection.');
        }
      });
    });

    test('a filter through a relation cannot read what the related list rule hides', async () => {
      // The wall is public, but users list only themselves: Bob probing Alice's name or email
      // through the relation finds nothing, while Alice matching her own name finds her row.
      const probe = (token: string, filter: string) =>
        send(env, `/api/collections/wall/records?filter=${encodeURIComponent(filter)}`, { token });
      await unchanged(env.app, async () => {
        assert.equal((await probe(alice.token, 'owner.name ~ "Ali"')).body?.totalItems, 1);
        assert.equal((await probe(bob.token, 'owner.name ~ "Ali"')).body?.totalItems, 0);
        assert.equal((await probe(bob.token, `owner.email = "${alice.email}"`)).body?.totalItems, 0);
        assert.equal((await probe(bob.token, 'owner.verified = true')).body?.totalItems, 0);
        // Without the filter the row itself is public.
        assert.equal((await probe(bob.token, 'title = "hello"')).body?.totalItems, 1);
      });
    });

    test('hidden fields (password hash, tokenKey) cannot be filtered or sorted on', async () => {
      await unchanged(env.app, async () => {
        for (const query of ['filter=password ~ "$2"', 'filter=tokenKey != ""', 'sort=tokenKey', 'filter=owner.tokenKey != ""']) {
          const collection = query.includes('owner.') ? 'wall' : 'users';
          const [key, value] = query.split(/=(.*)/s) as [string, string];
          const res = await send(env, `/api/collections/${collection}/records?${key}=${encodeURIComponent(value)}`, { token: bob.token });
          assertErrorBody(res, 400);
        }
      });
    });
  });
}
