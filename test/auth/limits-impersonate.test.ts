// Impersonation through the SDK: superusers only, a non-refreshable token of the chosen
// duration (the collection's auth token duration for 0), usable as an API key.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import PocketBase, { ClientResponseError } from 'pocketbase';
import { ADMIN, nowSeconds, signUp, startLimitsApp, superuserClient, tokenPayload, userClient, type LimitsApp } from './limits-support.js';

async function status(promise: Promise<unknown>): Promise<{ status: number; data: Record<string, unknown> }> {
  try {
    await promise;
    return { status: 200, data: {} };
  } catch (err) {
    assert.ok(err instanceof ClientResponseError, String(err));
    return { status: err.status, data: err.response as Record<string, unknown> };
  }
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`impersonation [${dialect}]`, () => {
    let t: LimitsApp;
    let admin: PocketBase;
    let aliceId: string;

    before(async () => {
      t = await startLimitsApp(dialect);
      admin = await superuserClient(t);
      aliceId = await signUp(t.url, 'alice@example.com');
      await signUp(t.url, 'bob@example.com');
    });
    after(async () => {
      await t?.close();
    });

    test('a superuser gets a non-refreshable token of the chosen duration', async () => {
      const before = nowSeconds();
      const alice = await admin.collection('users').impersonate(aliceId, 3600);
      const after = nowSeconds();
      assert.equal(alice.authStore.record?.id, aliceId);
      assert.equal(alice.authStore.record?.email, 'alice@example.com');
      const claims = tokenPayload(alice.authStore.token);
      assert.equal(claims.refreshable, false);
      assert.equal(claims.type, 'auth');
      assert.equal(claims.id, aliceId);
      assert.ok(Number(claims.exp) >= before + 3600 && Number(claims.exp) <= after + 3600, `exp ${String(claims.exp)}`);

      // It acts as Alice: her own record is visible, Bob's is not.
      assert.equal((await alice.collection('users').getOne(aliceId)).email, 'alice@example.com');
      assert.equal((await alice.collection('users').getList()).items.length, 1);

      // auth-refresh hands the same token back: the duration is a hard end.
      const refreshed = await alice.collection('users').authRefresh();
      assert.equal(refreshed.token, alice.authStore.token);
    });

    test('duration 0 (or none) means the collection’s auth token duration', async () => {
      const users = await admin.collections.getOne('users');
      const configured = (users as unknown as { authToken: { duration: number } }).authToken.duration;
      for (const duration of [0, undefined]) {
        const before = nowSeconds();
        const client = await admin.collection('users').impersonate(aliceId, duration as number);
        const exp = Number(tokenPayload(client.authStore.token).exp);
        assert.ok(exp >= before + configured && exp <= nowSeconds() + configured, `exp ${exp} for ${String(duration)}`);
      }
    });

    test('the token works as an API key for plain HTTP clients', async () => {
      const key = (await admin.collection('_superusers').impersonate((await admin.collection('_superusers').getFirstListItem(`email="${ADMIN.email}"`)).id, 600))
        .authStore.token;
      assert.equal(tokenPayload(key).refreshable, false);
      const res = await fetch(`${t.url}/api/collections?perPage=1`, { headers: { Authorization: `Bearer ${key}` } });
      assert.equal(res.status, 200);
    });

    test('guests get 401, other users 403, even for themselves', async () => {
      const guest = new PocketBase(t.url);
      assert.equal((await status(guest.collection('users').impersonate(aliceId, 60))).status, 401);
      const alice = await userClient(t.url, 'alice@example.com');
      const self = await status(alice.collection('users').impersonate(aliceId, 60));
      assert.equal(self.status, 403);
      assert.deepEqual(self.data, { data: {}, message: 'The authorized record is not allowed to perform this action.', status: 403 });
    });

    test('unknown record or collection, non-auth collection: 404; negative or malformed duration: 400', async () => {
      assert.equal((await status(admin.collection('users').impersonate('nope123456789ab', 60))).status, 404);
      assert.equal((await status(admin.collection('missing').impersonate(aliceId, 60))).status, 404);
      await admin.collections.create({ name: 'notes', type: 'base', fields: [{ name: 'title', type: 'text' }] });
      assert.equal((await status(admin.collection('notes').impersonate(aliceId, 60))).status, 404);

      const negative = await status(admin.collection('users').impersonate(aliceId, -1));
      assert.equal(negative.status, 400);
      assert.deepEqual(negative.data.data, {
        duration: { code: 'validation_min_greater_equal_than_required', message: 'Must be no less than 0.', params: { threshold: 0 } },
      });
      for (const body of ['{"duration":"soon"}', '{"duration":1.5}', '{"duration":']) {
        const res = await fetch(`${t.url}/api/collections/users/impersonate/${aliceId}`, {
          method: 'POST',
          headers: { Authorization: admin.authStore.token, 'Content-Type': 'application/json' },
          body,
        });
        assert.equal(res.status, 400, body);
        assert.equal(((await res.json()) as { message: string }).message, 'An error occurred while loading the submitted data.');
      }
    });
  });
}
