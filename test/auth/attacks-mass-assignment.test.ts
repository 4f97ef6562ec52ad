// Mass assignment on auth records, both engines. A user updating their own record (users:
// updateRule `id = @request.auth.id`, no manageRule) cannot set `verified`, `email` or a new
// password without the right `oldPassword`; `tokenKey` (hidden) is silently dropped for anyone
// but a superuser, as PocketBase drops every hidden field; `emailVisibility` is theirs to set.
// A requester matching the collection's manageRule may set email, verified and password.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import PocketBase from 'pocketbase';
import {
  DIALECTS,
  PASSWORD,
  assertErrorBody,
  createUser,
  fieldCode,
  send,
  startAttackApp,
  storedRow,
  unchanged,
  type AttackEnv,
  type TestUser,
} from './attacks-support.js';

const UPDATE_FAILED = 'Failed to update record.';
const CREATE_FAILED = 'Failed to create record.';
const STAFF_RULE = 'id = @request.auth.id || @request.auth.role = "admin"';

for (const dialect of DIALECTS) {
  describe(`attacks: mass assignment on auth records [${dialect}]`, () => {
    let env: AttackEnv;
    let alice: TestUser;

    const patchSelf = (user: TestUser, body: unknown) =>
      send(env, `/api/collections/users/records/${user.id}`, { method: 'PATCH', json: body, token: user.token });

    /** A refused self-update: 400 with the field's error code, and not a byte written. */
    async function refused(user: TestUser, body: Record<string, unknown>, field: string, code: string): Promise<void> {
      const data = await unchanged(env.app, async () => assertErrorBody(await patchSelf(user, body), 400, UPDATE_FAILED));
      assert.equal(fieldCode(data, field), code, JSON.stringify(data));
    }

    before(async () => {
      env = await startAttackApp(dialect);
      alice = await createUser(env, 'users', 'alice@example.com');
      await env.admin.collections.create({
        name: 'staff',
        type: 'auth',
        fields: [{ name: 'role', type: 'text' }],
        listRule: STAFF_RULE,
        viewRule: STAFF_RULE,
        createRule: '',
        updateRule: STAFF_RULE,
        deleteRule: null,
        manageRule: '@request.auth.role = "admin"',
      });
    });

    after(() => env?.close());

    test('a user cannot verify themselves (JSON or form body)', async () => {
      await refused(alice, { verified: true }, 'verified', 'validation_values_mismatch');
      const form = await unchanged(env.app, () =>
        send(env, `/api/collections/users/records/${alice.id}`, {
          method: 'PATCH',
          raw: 'verified=true',
          contentType: 'application/x-www-form-urlencoded',
          token: alice.token,
        }),
      );
      assert.equal(fieldCode(assertErrorBody(form, 400, UPDATE_FAILED), 'verified'), 'validation_values_mismatch');
    });

    test('a user cannot pick their tokenKey: the hidden field is ignored', async () => {
      const before = await storedRow(env.app, 'users', alice.id);
      for (const body of [{ tokenKey: 'attacker-chosen-token-key-000000000000000000' }, { 'tokenKey:autogenerate': true }]) {
        const res = await patchSelf(alice, { ...body, name: 'Alice' });
        assert.equal(res.status, 200, res.text);
        assert.equal(res.body?.tokenKey, undefined);
      }
      const after = await storedRow(env.app, 'users', alice.id);
      assert.equal(after.tokenKey, before.tokenKey);
      assert.equal(after.name, 'Alice');
      // Her session is the same one.
      assert.equal((await send(env, '/api/collections/users/auth-refresh', { method: 'POST', token: alice.token })).status, 200);
    });

    test('a user may set emailVisibility', async () => {
      const res = await patchSelf(alice, { emailVisibility: true });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body?.emailVisibility, true);
      assert.ok([true, 1].includes((await storedRow(env.app, 'users', alice.id)).emailVisibility as never));
    });

    test('a user cannot change their email directly', async () => {
      await refused(alice, { email: 'alice.new@example.com' }, 'email', 'validation_values_mismatch');
      // Only the address as stored is "unchanged".
      await refused(alice, { email: 'ALICE@example.com' }, 'email', 'validation_values_mismatch');
    });

    test('a new password needs the old one, and the right one', async () => {
      const next = { password: 'alice-next-password', passwordConfirm: 'alice-next-password' };
      await refused(alice, next, 'oldPassword', 'validation_required');
      await refused(alice, { ...next, oldPassword: 'not-her-password' }, 'oldPassword', 'validation_invalid_old_password');
      await refused(alice, { ...next, oldPassword: '' }, 'oldPassword', 'validation_required');
      await refused(alice, { password: 'alice-next-password', oldPassword: PASSWORD }, 'passwordConfirm', 'validation_required');
      // The right old password goes through (and her old session ends with it).
      const ok = await patchSelf(alice, { ...next, oldPassword: PASSWORD });
      assert.equal(ok.status, 200, ok.text);
      alice.token = (await new PocketBase(env.url).collection('users').authWithPassword(alice.email, next.password)).token;
    });

    test('a guest signing up cannot start verified or choose the token key', async () => {
      const signup = { email: 'mallory@example.com', password: PASSWORD, passwordConfirm: PASSWORD };
      const data = await unchanged(env.app, async () =>
        assertErrorBody(await send(env, '/api/collections/users/records', { json: { ...signup, verified: true } }), 400, CREATE_FAILED),
      );
      assert.equal(fieldCode(data, 'verified'), 'validation_values_mismatch');
      const chosen = 'attacker-chosen-token-key-111111111111111111';
      const res = await send(env, '/api/collections/users/records', { json: { ...signup, tokenKey: chosen, verified: false } });
      assert.equal(res.status, 200, res.text);
      const row = await storedRow(env.app, 'users', String(res.body?.id));
      assert.notEqual(row.tokenKey, chosen);
      assert.ok(String(row.tokenKey).length >= 30);
      assert.ok([false, 0].includes(row.verified as never));
    });

    test('a signed-in user creating another account cannot verify it either', async () => {
      const data = await unchanged(env.app, async () =>
        assertErrorBody(
          await send(env, '/api/collections/users/records', {
            json: { email: 'sock@example.com', password: PASSWORD, passwordConfirm: PASSWORD, verified: true },
            token: alice.token,
          }),
          400,
          CREATE_FAILED,
        ),
      );
      assert.equal(fieldCode(data, 'verified'), 'validation_values_mismatch');
    });

    test('a manager (manageRule matches) may set email, verified and password; still not tokenKey', async () => {
      const boss = await createUser(env, 'staff', 'boss@example.com', { role: 'admin' });
      const member = await createUser(env, 'staff', 'member@example.com', { role: 'member' });
      // The member is no manager, of others or of themselves.
      const selfVerify = await unchanged(env.app, () =>
        send(env, `/api/collections/staff/records/${member.id}`, { method: 'PATCH', json: { verified: true }, token: member.token }),
      );
      assert.equal(fieldCode(assertErrorBody(selfVerify, 400, UPDATE_FAILED), 'verified'), 'validation_values_mismatch');

      const chosen = 'attacker-chosen-token-key-222222222222222222';
      const res = await send(env, `/api/collections/staff/records/${member.id}`, {
        method: 'PATCH',
        json: { email: 'member.moved@example.com', verified: true, password: 'set-by-manager-1', passwordConfirm: 'set-by-manager-1', tokenKey: chosen },
        token: boss.token,
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body?.email, 'member.moved@example.com');
      assert.equal(res.body?.verified, true);
      const row = await storedRow(env.app, 'staff', member.id);
      assert.notEqual(row.tokenKey, chosen);
      await new PocketBase(env.url).collection('staff').authWithPassword('member.moved@example.com', 'set-by-manager-1');
      // A manager may also create an account already verified.
      const created = await send(env, '/api/collections/staff/records', {
        json: { email: 'hired@example.com', password: PASSWORD, passwordConfirm: PASSWORD, verified: true },
        token: boss.token,
      });
      assert.equal(created.status, 200, created.text);
      assert.equal(created.body?.verified, true);
    });

    test('the same refusals hold inside a batch, and the whole batch is undone', async () => {
      await env.admin.settings.update({ batch: { enabled: true, maxRequests: 10, timeout: 3, maxBodySize: 0 } });
      const res = await unchanged(env.app, () =>
        send(env, '/api/batch', {
          json: {
            requests: [
              { method: 'PATCH', url: `/api/collections/users/records/${alice.id}`, body: { name: 'Batched' } },
              { method: 'PATCH', url: `/api/collections/users/records/${alice.id}`, body: { verified: true } },
            ],
          },
          token: alice.token,
        }),
      );
      const data = assertErrorBody(res, 400);
      assert.match(JSON.stringify(data), /validation_values_mismatch/);
    });
  });
}
