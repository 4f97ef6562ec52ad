// Forged and stale tokens on both engines. Whatever is wrong with a token, the request goes on
// as a guest (never an error of its own), so each guarded endpoint answers what PocketBase
// answers a guest: the owner-only view 404, auth-refresh 401, superuser-only endpoints 401,
// the owner-only list 200 with nothing in it. No attempt writes anything.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import PocketBase from 'pocketbase';
import { tokenSecret } from '../../src/core/auth/authenticate.js';
import { newEmailFlowToken } from '../../src/core/auth/email-flows-tokens.js';
import { signToken, type TokenType } from '../../src/core/auth/tokens.js';
import { findRecordById } from '../../src/core/records/repository.js';
import { systemClock } from '../../src/lib/clock.js';
import {
  ADMIN,
  DIALECTS,
  PASSWORD,
  assertErrorBody,
  createUser,
  send,
  startAttackApp,
  unchanged,
  type AttackEnv,
  type TestUser,
} from './attacks-support.js';

const NEEDS_AUTH = 'The request requires valid record authorization token.';
const OWNER = 'id = @request.auth.id';

const segment = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT with any header, HMAC-SHA256-signed with `key` whatever the header claims. */
function hmacToken(header: Record<string, unknown>, payload: Record<string, unknown>, key: string): string {
  const input = `${segment(header)}.${segment(payload)}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
}

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

for (const dialect of DIALECTS) {
  describe(`attacks: forged and stale tokens [${dialect}]`, () => {
    let env: AttackEnv;
    let alice: TestUser;
    let bob: TestUser;
    let carol: TestUser;

    /** The signing key of one of a record's token types, as the server has it now. */
    async function keyOf(collectionName: string, id: string, type: TokenType): Promise<string> {
      const collection = env.app.core.registry.byNameOrId(collectionName)!;
      const record = await findRecordById(env.app.db, collection, id);
      assert.ok(record);
      return String(record.values.tokenKey) + tokenSecret(collection, type);
    }

    async function usersCollectionId(): Promise<string> {
      return env.app.core.registry.byNameOrId('users')!.id;
    }

    /** Asserts that `token` is treated as no token at all, and that nothing was written. */
    async function assertGuest(token: string): Promise<void> {
      await unchanged(env.app, async () => {
        assertErrorBody(await send(env, `/api/collections/users/records/${alice.id}`, { token }), 404);
        assertErrorBody(await send(env, '/api/collections/users/auth-refresh', { method: 'POST', token }), 401, NEEDS_AUTH);
        assertErrorBody(await send(env, '/api/collections', { token }), 401, NEEDS_AUTH);
        const list = await send(env, '/api/collections/users/records', { token });
        assert.equal(list.status, 200);
        assert.equal(list.body?.totalItems, 0);
        const otherList = await send(env, '/api/collections/clients/records', { token });
        assert.equal(otherList.body?.totalItems, 0);
      });
    }

    before(async () => {
      env = await startAttackApp(dialect);
      await env.admin.collections.create({ name: 'clients', type: 'auth', fields: [], listRule: OWNER, viewRule: OWNER });
      alice = await createUser(env, 'users', 'alice@example.com');
      bob = await createUser(env, 'users', 'bob@example.com');
      carol = await createUser(env, 'clients', 'carol@example.com');
    });

    after(() => env?.close());

    test('a valid token is accepted (the probes can tell a guest from a user)', async () => {
      const view = await send(env, `/api/collections/users/records/${alice.id}`, { token: alice.token });
      assert.equal(view.status, 200);
      const refresh = await send(env, '/api/collections/users/auth-refresh', { method: 'POST', token: alice.token });
      assert.equal(refresh.status, 200);
    });

    test('a tampered payload (another id, a later expiry) with the original signature', async () => {
      const [header, , signature] = alice.token.split('.');
      const claims = payloadOf(alice.token);
      await assertGuest(`${header}.${segment({ ...claims, id: bob.id })}.${signature}`);
      await assertGuest(`${header}.${segment({ ...claims, exp: Number(claims.exp) + 10 * 365 * 86400 })}.${signature}`);
      // A flipped signature byte.
      const flipped = signature!.startsWith('A') ? `B${signature!.slice(1)}` : `A${signature!.slice(1)}`;
      await assertGuest(`${header}.${segment(claims)}.${flipped}`);
    });

    test('an expired token, correctly signed', async () => {
      const key = await keyOf('users', alice.id, 'auth');
      const claims = { type: 'auth', id: alice.id, collectionId: await usersCollectionId(), refreshable: true };
      await assertGuest(hmacToken({ alg: 'HS256', typ: 'JWT' }, { ...claims, exp: Math.floor(Date.now() / 1000) - 5 }, key));
      // No expiry at all is not "never expires".
      await assertGuest(hmacToken({ alg: 'HS256', typ: 'JWT' }, claims, key));
    });

    test('tokens of another type (verification, password reset, email change, file) are not auth tokens', async () => {
      const collection = env.app.core.registry.byNameOrId('users')!;
      const record = (await findRecordById(env.app.db, collection, alice.id))!;
      for (const type of ['verification', 'passwordReset', 'emailChange'] as const) {
        await assertGuest(await newEmailFlowToken(record, type, { clock: systemClock, newEmail: 'x@example.com' }));
      }
      const fileKey = await keyOf('users', alice.id, 'file');
      await assertGuest(await signToken({ type: 'file', id: alice.id, collectionId: collection.id }, fileKey, { durationSeconds: 180, clock: systemClock }));
      // The type claim rewritten to "auth" on a token signed with another type's secret.
      const verificationKey = await keyOf('users', alice.id, 'verification');
      await assertGuest(
        await signToken({ type: 'auth', id: alice.id, collectionId: collection.id }, verificationKey, { durationSeconds: 600, clock: systemClock }),
      );
    });

    test("another collection's token is that collection's record, never a users record", async () => {
      // Carol's own token: a user of "clients", with no rights on "users".
      await unchanged(env.app, async () => {
        assertErrorBody(await send(env, `/api/collections/users/records/${alice.id}`, { token: carol.token }), 404);
        assertErrorBody(
          await send(env, '/api/collections/users/auth-refresh', { method: 'POST', token: carol.token }),
          403,
          'The request requires auth record from clients collection.',
        );
        assertErrorBody(await send(env, '/api/collections', { token: carol.token }), 403, 'The authorized record is not allowed to perform this action.');
      });
      // Her claims pointed at "users" (the record is not there), or Alice's id under "clients".
      const carolKey = await keyOf('clients', carol.id, 'auth');
      const exp = Math.floor(Date.now() / 1000) + 600;
      await assertGuest(hmacToken({ alg: 'HS256', typ: 'JWT' }, { type: 'auth', id: carol.id, collectionId: await usersCollectionId(), exp }, carolKey));
      const clientsId = env.app.core.registry.byNameOrId('clients')!.id;
      const aliceKey = await keyOf('users', alice.id, 'auth');
      await assertGuest(hmacToken({ alg: 'HS256', typ: 'JWT' }, { type: 'auth', id: alice.id, collectionId: clientsId, exp }, aliceKey));
    });

    test('alg "none" and an unsigned token', async () => {
      const claims = { ...payloadOf(alice.token) };
      await assertGuest(`${segment({ alg: 'none', typ: 'JWT' })}.${segment(claims)}.`);
      await assertGuest(`${segment({ alg: 'none', typ: 'JWT' })}.${segment(claims)}`);
      await assertGuest(`${segment({ alg: 'NONE' })}.${segment(claims)}.`);
    });

    test('an RS256- or HS512-labelled token signed with the right secret', async () => {
      const key = await keyOf('users', alice.id, 'auth');
      const claims = payloadOf(alice.token);
      await assertGuest(hmacToken({ alg: 'RS256', typ: 'JWT' }, claims, key));
      await assertGuest(hmacToken({ alg: 'ES256', typ: 'JWT' }, claims, key));
      const input = `${segment({ alg: 'HS512', typ: 'JWT' })}.${segment(claims)}`;
      await assertGuest(`${input}.${createHmac('sha512', key).update(input).digest('base64url')}`);
    });

    test('a token issued before a password change', async () => {
      const dave = await createUser(env, 'users', 'dave@example.com');
      const client = new PocketBase(env.url);
      client.authStore.save(dave.token);
      await client.collection('users').update(dave.id, { oldPassword: PASSWORD, password: 'dave-new-password', passwordConfirm: 'dave-new-password' });
      await unchanged(env.app, async () => {
        assertErrorBody(await send(env, `/api/collections/users/records/${dave.id}`, { token: dave.token }), 404);
        assertErrorBody(await send(env, '/api/collections/users/auth-refresh', { method: 'POST', token: dave.token }), 401, NEEDS_AUTH);
      });
      const fresh = await new PocketBase(env.url).collection('users').authWithPassword(dave.email, 'dave-new-password');
      assert.equal((await send(env, `/api/collections/users/records/${dave.id}`, { token: fresh.token })).status, 200);
    });

    test('a token issued before an email change', async () => {
      const erin = await createUser(env, 'users', 'erin@example.com');
      await env.admin.collection('users').update(erin.id, { email: 'erin.new@example.com' });
      await unchanged(env.app, async () => {
        assertErrorBody(await send(env, `/api/collections/users/records/${erin.id}`, { token: erin.token }), 404);
        assertErrorBody(await send(env, '/api/collections/users/auth-refresh', { method: 'POST', token: erin.token }), 401, NEEDS_AUTH);
      });
    });

    test('a superuser token dies with its superuser', async () => {
      await env.app.core.superusers.upsert('gone@example.com', 'gone-password-123');
      const gone = await new PocketBase(env.url).collection('_superusers').authWithPassword('gone@example.com', 'gone-password-123');
      assert.equal((await send(env, '/api/collections', { token: gone.token })).status, 200);
      await env.admin.collection('_superusers').delete(gone.record.id);
      await assertGuest(gone.token);
      // The remaining superuser's token still works.
      const admin = await new PocketBase(env.url).collection('_superusers').authWithPassword(ADMIN.email, ADMIN.password);
      assert.equal((await send(env, '/api/collections', { token: admin.token })).status, 200);
    });

    test('a password reset token works once', async () => {
      const frank = await createUser(env, 'users', 'frank@example.com');
      const collection = env.app.core.registry.byNameOrId('users')!;
      const record = (await findRecordById(env.app.db, collection, frank.id))!;
      const token = await newEmailFlowToken(record, 'passwordReset', { clock: systemClock });
      const confirm = (password: string) =>
        send(env, '/api/collections/users/confirm-password-reset', { json: { token, password, passwordConfirm: password } });
      assert.equal((await confirm('frank-second-password')).status, 204);
      const data = await unchanged(env.app, async () =>
        assertErrorBody(await confirm('frank-third-password'), 400, 'An error occurred while validating the submitted data.'),
      );
      assert.equal((data.token as { code: string }).code, 'validation_invalid_token');
      // The reset also ended the session Frank had before it.
      assertErrorBody(await send(env, '/api/collections/users/auth-refresh', { method: 'POST', token: frank.token }), 401, NEEDS_AUTH);
      await new PocketBase(env.url).collection('users').authWithPassword(frank.email, 'frank-second-password');
    });

    test('garbage in the Authorization header', async () => {
      for (const token of ['Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', 'null', 'a.b.c', '...', `${alice.token}x`, 'x'.repeat(8000)]) {
        await assertGuest(token);
      }
      // Claims naming an id no record can have: on PostgreSQL the NUL once reached the
      // database, which refused it, and every request carrying the token answered 500.
      const usersId = await usersCollectionId();
      for (const id of [`${alice.id}\u0000`, '\u0000', 'x'.repeat(5000)]) {
        await assertGuest(`${segment({ alg: 'HS256', typ: 'JWT' })}.${segment({ type: 'auth', id, collectionId: usersId, exp: 2e9 })}.c2ln`);
      }
    });
  });
}
