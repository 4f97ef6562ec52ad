// Malformed and oversized bodies on the auth endpoints, both engines, with a small body limit:
// broken JSON, bodies that are not objects, fields of the wrong type, 10,000-character values,
// NUL bytes, bodies over the limit (declared or streamed). Every answer is a 4xx with
// PocketBase's body — never a 5xx, never SQL text — and nothing is written.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import {
  DIALECTS,
  PASSWORD,
  assertErrorBody,
  createUser,
  fieldCode,
  send,
  startAttackApp,
  snapshot,
  unchanged,
  type AttackEnv,
  type RawResponse,
  type TestUser,
} from './attacks-support.js';

const BODY_LIMIT = 32 * 1024;
const LONG = 'a'.repeat(10_000);
const LONG_EMAIL = `${'a'.repeat(10_000)}@example.com`;

/**
 * The auth endpoints that read a body (auth-refresh does not; auth-with-oauth2 answers 403 on a
 * collection without OAuth2 before reading it, as PocketBase does). `auth`: send the user's token.
 */
const ENDPOINTS: ReadonlyArray<{ path: string; auth?: boolean }> = [
  { path: 'users/auth-with-password' },
  { path: '_superusers/auth-with-password' },
  { path: 'users/request-verification' },
  { path: 'users/confirm-verification' },
  { path: 'users/request-password-reset' },
  { path: 'users/confirm-password-reset' },
  { path: 'users/request-email-change', auth: true },
  { path: 'users/confirm-email-change' },
  { path: 'users/request-otp' },
  { path: 'users/auth-with-otp' },
  { path: 'users/records' },
];

/** Sends `size` bytes of JSON without a Content-Length (chunked), so only the stream count can stop it. */
function sendChunked(url: string, size: number): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      // The server may close the connection right after answering, while the rest is still
      // being sent: whatever arrived by then is the answer.
      res.on('close', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, text, body: text ? (JSON.parse(text) as Record<string, unknown>) : null });
      });
    });
    req.on('error', reject);
    const piece = `{"identity":"${'x'.repeat(size)}","password":"p"}`;
    for (let i = 0; i < piece.length; i += 1024) req.write(piece.slice(i, i + 1024));
    req.end();
  });
}

for (const dialect of DIALECTS) {
  describe(`attacks: malformed and oversized bodies [${dialect}]`, () => {
    let env: AttackEnv;
    let alice: TestUser;

    const post = (path: string, body: RawRequestBody, token?: string) =>
      send(env, `/api/collections/${path}`, { method: 'POST', token, ...body });

    /** Every endpoint refuses `body` with a 4xx error body, writing nothing. */
    async function allRefuse(body: RawRequestBody, expected?: number, endpoints = ENDPOINTS): Promise<void> {
      await unchanged(env.app, async () => {
        for (const endpoint of endpoints) {
          const res = await post(endpoint.path, body, endpoint.auth ? alice.token : undefined);
          assert.ok(res.status >= 400 && res.status < 500, `${endpoint.path}: ${res.status} ${res.text.slice(0, 200)}`);
          if (expected !== undefined) assertErrorBody(res, expected);
          else assertErrorBody(res, res.status);
        }
      });
    }

    before(async () => {
      env = await startAttackApp(dialect, { bodyLimit: BODY_LIMIT });
      await env.admin.collections.update('users', { otp: { enabled: true } });
      alice = await createUser(env, 'users', 'alice@example.com');
    });

    after(() => env?.close());

    test('broken JSON: 400 with empty data, on every endpoint', async () => {
      for (const raw of ['{"identity":', '{identity: "a"}', '{"a":1}}', '\u0000', '\uFEFF{"x"', '{"email":"a@b.c",}']) {
        await allRefuse({ raw }, 400);
      }
      const res = await post('users/auth-with-password', { raw: '{"identity":' });
      assert.deepEqual(assertErrorBody(res, 400), {});
    });

    test('JSON that is not an object: 400', async () => {
      for (const raw of ['[]', '[{"identity":"alice@example.com"}]', '"alice@example.com"', '42', 'null', 'true']) {
        await allRefuse({ raw }, 400);
      }
    });

    test('fields of the wrong type: 4xx, never a crash', async () => {
      for (const value of [{}, [], [1, 2], 12345, true, null, { $ne: '' }]) {
        const body = { identity: value, password: value, email: value, newEmail: value, token: value, otpId: value, passwordConfirm: value, provider: value };
        await allRefuse({ json: body });
      }
      // An identity that is an object is no way round the password.
      const res = await post('users/auth-with-password', { json: { identity: { $gt: '' }, password: { $gt: '' } } });
      assertErrorBody(res, 400);
    });

    // `{"toString": "x"}` parses to an object that String() cannot convert: it once made the
    // sign-up and update paths answer 500 (fixed in records/input.ts and records/service.ts).
    const UNCASTABLE = [{ toString: 'x' }, { toString: {}, valueOf: {} }];

    test('objects that cannot be cast to text, on sign-up and update: never a 5xx', async () => {
      const isPassword = (key: string) => key === 'password' || key === 'passwordConfirm';
      for (const value of UNCASTABLE) {
        for (const key of ['password', 'passwordConfirm', 'oldPassword', 'id', 'email', 'name']) {
          // Like PocketBase's loose cast, such a value reads as '': a password is then missing (400),
          // an id is generated, a name is empty.
          const create = await post('users/records', { json: { email: `c-${key}@example.com`, password: PASSWORD, passwordConfirm: PASSWORD, [key]: value } });
          assert.ok(create.status === 200 || create.status === 400, create.text);
          if (isPassword(key)) assertErrorBody(create, 400, 'Failed to create record.');
          // On update the value stands alone, except that an uncastable oldPassword must not
          // let a new password through.
          const change = key === 'oldPassword' ? { password: 'x-new-password-1', passwordConfirm: 'x-new-password-1', oldPassword: value } : { [key]: value };
          const before = await snapshot(env.app);
          const update = await send(env, `/api/collections/users/records/${alice.id}`, { method: 'PATCH', json: change, token: alice.token });
          assert.ok(update.status === 200 || update.status === 400, update.text);
          if (key === 'oldPassword' || key === 'email') assertErrorBody(update, 400, 'Failed to update record.');
          if (update.status === 400) assert.equal(await snapshot(env.app), before);
        }
      }
    });

    test('objects that cannot be cast to text, on auth-with-password: 400', async () => {
      for (const value of UNCASTABLE) {
        await unchanged(env.app, async () => {
          assertErrorBody(await post('users/auth-with-password', { json: { identity: value, password: PASSWORD } }), 400);
          assertErrorBody(await post('users/auth-with-password', { json: { identity: alice.email, password: value } }), 400);
        });
      }
    });

    test('10,000-character values: validation errors, not lookups', async () => {
      await allRefuse({ json: { identity: LONG, password: LONG, email: LONG_EMAIL, newEmail: LONG_EMAIL, token: LONG, otpId: LONG } });
      const login = await post('users/auth-with-password', { json: { identity: LONG_EMAIL, password: PASSWORD } });
      assert.equal(fieldCode(assertErrorBody(login, 400), 'identity'), 'validation_length_out_of_range');
      const reset = await post('users/request-password-reset', { json: { email: LONG_EMAIL } });
      assert.ok(fieldCode(assertErrorBody(reset, 400), 'email'));
      const signup = await unchanged(env.app, () => post('users/records', { json: { email: LONG_EMAIL, password: LONG, passwordConfirm: LONG } }));
      // bcrypt reads at most 72 bytes: a longer password is refused (PocketBase accepts a long email).
      assert.equal(fieldCode(assertErrorBody(signup, 400, 'Failed to create record.'), 'password'), 'validation_invalid_value');
    });

    test('NUL bytes in identities, emails, passwords, ids and tokens', async () => {
      const nul = 'alice\u0000@example.com';
      const body = { identity: nul, password: `${PASSWORD}\u0000`, email: nul, newEmail: nul, token: `a\u0000.b.c`, otpId: 'abc\u0000', mfaId: 'x\u0000' };
      await allRefuse({ json: body });
      // A NUL in a record id (path) finds nothing; it used to reach PostgreSQL and fail there (500).
      await unchanged(env.app, async () => {
        for (const method of ['GET', 'PATCH', 'DELETE']) {
          const res = await send(env, `/api/collections/users/records/${alice.id}%00`, { method, json: method === 'PATCH' ? {} : undefined, token: alice.token });
          assertErrorBody(res, 404);
        }
      });
      // SQLite stores a NUL inside text, as PocketBase does; PostgreSQL cannot, and the write is
      // refused as the client's input (400) with nothing written.
      const signup = { email: 'nul@example.com', name: 'a\u0000b', password: PASSWORD, passwordConfirm: PASSWORD };
      if (dialect === 'sqlite') {
        const res = await post('users/records', { json: signup });
        assert.equal(res.status, 200, res.text);
        assert.equal(res.body?.name, 'a\u0000b');
      } else {
        assertErrorBody(await unchanged(env.app, () => post('users/records', { json: signup })), 400, 'Failed to create record.');
      }
    });

    test('NUL bytes in auth-with-password identities and auth-with-otp ids', async () => {
      await unchanged(env.app, async () => {
        assertErrorBody(await post('users/auth-with-otp', { json: { otpId: 'abc\u0000', password: '123456' } }), 400);
        for (const identity of ['alice@example.com\u0000', `${alice.id}\u0000`, 'ali\u0000ce@example.com']) {
          assertErrorBody(await post('users/auth-with-password', { json: { identity, password: PASSWORD } }), 400, 'Failed to authenticate.');
        }
      });
    });

    test('a body over the limit: 413, whether declared or streamed', async () => {
      const big = { identity: 'x'.repeat(BODY_LIMIT * 2), password: PASSWORD };
      await allRefuse({ json: big }, 413);
      const formBig = await post('users/auth-with-password', {
        raw: `identity=${'x'.repeat(BODY_LIMIT * 2)}&password=p`,
        contentType: 'application/x-www-form-urlencoded',
      });
      assertErrorBody(formBig, 413);
      const streamed = await unchanged(env.app, () => sendChunked(`${env.url}/api/collections/users/auth-with-password`, BODY_LIMIT * 4));
      assertErrorBody(streamed, 413);
      // A body just under the limit is read as usual.
      const fits = await post('users/auth-with-password', { json: { identity: 'alice@example.com', password: PASSWORD, pad: 'x'.repeat(BODY_LIMIT - 200) } });
      assert.equal(fits.status, 200, fits.text);
    });

    test('content types that lie or break: 4xx', async () => {
      await allRefuse({ raw: '--xyz\r\nContent-Disposition: form-data; name="identity"\r\n\r\nalice', contentType: 'multipart/form-data; boundary=xyz' });
      await allRefuse({ raw: 'garbage', contentType: 'multipart/form-data' });
      await allRefuse({ raw: '@jsonPayload={broken', contentType: 'application/x-www-form-urlencoded' });
    });

    test('auth-refresh ignores its body', async () => {
      await unchanged(env.app, async () => {
        const res = await send(env, '/api/collections/users/auth-refresh', { method: 'POST', raw: '{"broken', token: alice.token });
        assert.equal(res.status, 200, res.text);
      });
    });
  });
}

type RawRequestBody = { json?: unknown; raw?: string; contentType?: string };
