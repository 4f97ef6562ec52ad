// Generated hostile requests against the auth endpoints, both engines: arbitrary JSON (or
// broken, or form-encoded) bodies and arbitrary Authorization headers on auth-with-password,
// auth-refresh, request-* and confirm-*. Whatever arrives, the answer is never a 5xx, an error
// is PocketBase's body, and no account appears, disappears or gets a new token key.
// PLINTH_AUTH_FUZZ_RUNS overrides the number of runs (default 300 per engine).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { newEmailFlowToken } from '../../src/core/auth/email-flows-tokens.js';
import { findRecordById } from '../../src/core/records/repository.js';
import { systemClock } from '../../src/lib/clock.js';
import { DIALECTS, PASSWORD, assertErrorBody, createUser, send, startAttackApp, type AttackEnv } from './attacks-support.js';

const RUNS = Number(process.env.PLINTH_AUTH_FUZZ_RUNS ?? 300);

const ACTIONS = [
  'auth-with-password',
  'auth-refresh',
  'request-verification',
  'confirm-verification',
  'request-password-reset',
  'confirm-password-reset',
  'request-email-change',
  'confirm-email-change',
  'request-otp',
  'auth-with-otp',
] as const;
const COLLECTIONS = ['users', '_superusers', 'missing', 'posts'] as const;
const KEYS = ['identity', 'password', 'passwordConfirm', 'email', 'newEmail', 'token', 'otpId', 'mfaId', 'identityField', 'oldPassword', 'x'];

type Encoding = 'json' | 'form' | 'broken';

/** The body as sent: JSON, JSON cut short, or form fields (non-strings as their JSON). */
function encode(data: unknown, encoding: Encoding): { raw: string; contentType: string } {
  const json = JSON.stringify(data) ?? 'null';
  switch (encoding) {
    case 'json':
      return { raw: json, contentType: 'application/json' };
    case 'broken':
      return { raw: json.slice(0, -1), contentType: 'application/json' };
    case 'form': {
      const entries = data !== null && typeof data === 'object' && !Array.isArray(data) ? Object.entries(data) : [];
      const fields = entries.map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : (JSON.stringify(v) ?? '')]);
      return { raw: new URLSearchParams(fields).toString(), contentType: 'application/x-www-form-urlencoded' };
    }
  }
}

for (const dialect of DIALECTS) {
  describe(`attacks: generated requests to the auth endpoints [${dialect}]`, () => {
    let env: AttackEnv;
    let tokens: string[] = [];
    let emails: string[] = [];

    /** Account counts and every token key: what no refused or odd request may change. */
    async function accountState(): Promise<string> {
      const users = await env.app.db.all(`SELECT "id", "tokenKey" FROM "users" ORDER BY "id"`);
      const superusers = await env.app.db.all(`SELECT "id", "tokenKey" FROM "_superusers" ORDER BY "id"`);
      return JSON.stringify({ users, superusers });
    }

    before(async () => {
      env = await startAttackApp(dialect);
      await env.admin.collections.update('users', { otp: { enabled: true } });
      await env.admin.collections.create({ name: 'posts', type: 'base', fields: [{ name: 'title', type: 'text' }] });
      const alice = await createUser(env, 'users', 'alice@example.com');
      const users = env.app.core.registry.byNameOrId('users')!;
      const record = (await findRecordById(env.app.db, users, alice.id))!;
      // Real tokens of every type (usable in headers, and as bodies' tokens they are the wrong
      // type or get mangled), the superuser's, and forged ones.
      const verification = await newEmailFlowToken(record, 'verification', { clock: systemClock });
      const superuser = env.admin.authStore.token;
      const [h, p] = alice.token.split('.');
      tokens = [alice.token, verification, superuser, `${h}.${p}.`, `${h}.${p}`, `Bearer ${alice.token}`, `bearer  ${superuser}`, `${alice.token.slice(0, -2)}xx`];
      emails = [alice.email, 'ALICE@example.com', 'attack-admin@example.com', 'nobody@example.com', 'not-an-email', ''];
    });

    after(() => env?.close());

    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('', ' ', '\u0000', 'ñ', '😀', "' OR 1=1 --", '"; DROP TABLE users; --', '%', '_', '\\', 'a'.repeat(300), PASSWORD),
    );

    test('never a 5xx, never a changed account', async () => {
      const initial = await accountState();
      const value = fc.oneof(
        { weight: 3, arbitrary: text },
        { weight: 2, arbitrary: fc.nat({ max: 5 }).map((i) => emails[i] ?? '') },
        { weight: 1, arbitrary: fc.nat({ max: 7 }).map((i) => tokens[i] ?? '') },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
      );
      // Mostly bodies with the endpoints' own keys (so some requests get far, or succeed), some
      // with any of them, some any JSON at all.
      const plausible = fc.record(
        { identity: value, password: value, passwordConfirm: value, email: value, newEmail: value, token: value, otpId: value },
        { requiredKeys: [] },
      );
      const body = fc.oneof(
        { weight: 4, arbitrary: plausible },
        { weight: 2, arbitrary: fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 5 }) },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
      );
      const header = fc.oneof(
        fc.constant(undefined),
        { weight: 2, arbitrary: fc.nat({ max: 7 }).map((i) => tokens[i]) },
        fc.string({ maxLength: 60 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
        fc.tuple(fc.jsonValue({ maxDepth: 1 }), fc.jsonValue({ maxDepth: 1 })).map(
          ([hd, pl]) => `${Buffer.from(JSON.stringify(hd) ?? '').toString('base64url')}.${Buffer.from(JSON.stringify(pl) ?? '').toString('base64url')}.sig`,
        ),
      );
      const request = fc.record({
        collection: fc.oneof({ weight: 5, arbitrary: fc.constant('users') }, fc.constantFrom(...COLLECTIONS)),
        action: fc.constantFrom(...ACTIONS),
        data: body,
        encoding: fc.constantFrom('json', 'form', 'broken') as fc.Arbitrary<Encoding>,
        authorization: header,
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ collection, action, data, encoding, authorization }) => {
          const { raw, contentType } = encode(data, encoding);
          const res = await send(env, `/api/collections/${collection}/${action}`, { method: 'POST', raw, contentType, token: authorization });
          assert.ok(res.status < 500, `${collection}/${action} ${raw.slice(0, 200)} → ${res.status} ${res.text.slice(0, 200)}`);
          if (res.status >= 400) assertErrorBody(res, res.status);
          assert.equal(await accountState(), initial, `${collection}/${action} changed an account: ${raw.slice(0, 200)}`);
        }),
        { numRuns: RUNS },
      );
    });
  });
}
