// Generated bodies against POST /api/webhooks and PATCH /api/webhooks/:id, on both databases:
// the real keys with right and wrong types mixed with unknown keys. Every answer is a 200 or a
// 400 with PocketBase's error body, never a 5xx, and a refused write leaves the stored
// endpoints exactly as they were.
// 2 engines × 2 properties × PLINTH_FUZZ_RUNS (default 100) generated requests per run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { TEST_DIALECTS } from '../../src/db/testing.js';
import { startHookedApp, type HookedApp } from '../hooks/support.js';
import { isErrorBody } from '../support/error-body.js';

const RUNS_PER_PROPERTY = Number(process.env.PLINTH_FUZZ_RUNS ?? 100);

/** For each real key: values that may be accepted, mixed with any JSON at all. */
const plausible: Record<string, fc.Arbitrary<unknown>> = {
  name: fc.oneof(fc.string({ maxLength: 110 }), fc.constantFrom('hook', '  ', 'ñ😀', '\t\n', 'a\u0000b')),
  url: fc.constantFrom(
    'https://example.com/hook',
    'http://127.0.0.1:9/h?x=1',
    'ftp://example.com/',
    'http://u:p@example.com/',
    'javascript:alert(1)',
    'https://[::1]/',
    '',
    `https://example.com/${'a'.repeat(2100)}`,
  ),
  events: fc.array(fc.constantFrom('record.create', 'record.*', '*', 'auth.login', 'order.paid', 'Record.create', '', 'a.*.b', '.x', 'x.'), { maxLength: 4 }),
  collections: fc.array(fc.constantFrom('posts', 'users', '_superusers', 'nope', '', 'POSTS'), { maxLength: 3 }),
  condition: fc.constantFrom(
    '',
    "title = 'a'",
    'views > 1 && slug != ""',
    'nosuchfield = 1',
    "title ~ 'x' &&",
    '@request.auth.id != ""',
    "@collection.posts.title ?= 'x'",
    'email = "x"',
    "'; DROP TABLE posts; --",
  ),
  enabled: fc.boolean(),
  includeHidden: fc.boolean(),
  secret: fc.constantFrom(`whsec_${randomBytes(32).toString('base64')}`, 'whsec_', `whsec_${randomBytes(8).toString('base64')}`, 'secret'),
};
const REAL_KEYS = Object.keys(plausible);
const anyJson = fc.jsonValue({ maxDepth: 2 });
const entry = fc.oneof(
  fc.constantFrom(...REAL_KEYS).chain((key) => fc.tuple(fc.constant(key), fc.oneof({ weight: 3, arbitrary: plausible[key]! }, { weight: 1, arbitrary: anyJson }))),
  fc.tuple(fc.oneof(fc.constantFrom('id', 'created', 'failures', 'secrets', 'disabledReason', '__proto__', 'constructor'), fc.string({ maxLength: 8 })), anyJson),
);
const VALID_BASE = { name: 'generated', url: 'https://example.com/hook', events: ['record.create'] };
/** Half of the bodies start from a valid one, so the generated keys are what decides the answer. */
const body = fc.tuple(fc.boolean(), fc.array(entry, { maxLength: 6 })).map(([fromValid, entries]) => {
  // Own properties only, as JSON.parse builds them (a `__proto__` key is data, not a prototype).
  const out: Record<string, unknown> = fromValid ? { ...VALID_BASE } : {};
  for (const [key, value] of entries) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
});

for (const dialect of TEST_DIALECTS) {
  describe(`webhook input under generated bodies [${dialect}]`, () => {
    let h: HookedApp;
    let targetId = '';

    before(async () => {
      h = await startHookedApp(dialect, () => {});
      const made = await h.call('POST', '/api/webhooks', {
        token: h.superuser,
        body: { name: 'target', url: 'https://example.com/hook', events: ['record.*'], collections: ['posts'], condition: "title != ''" },
      });
      assert.equal(made.status, 200, made.text);
      targetId = made.json.id;
    });
    after(() => h.close());

    const stored = async () => {
      const res = await h.call('GET', '/api/webhooks', { token: h.superuser });
      assert.equal(res.status, 200, res.text);
      return res.json as Array<{ id: string }>;
    };

    async function send(method: 'POST' | 'PATCH', path: string, data: Record<string, unknown>) {
      const res = await h.call(method, path, { token: h.superuser, body: data });
      assert.ok(res.status === 200 || res.status === 400, `${method} ${JSON.stringify(data).slice(0, 300)} → ${res.status}: ${res.text.slice(0, 300)}`);
      if (res.status === 400) {
        assert.ok(isErrorBody(res.json, 400), `bad error body: ${res.text.slice(0, 300)}`);
        assert.doesNotMatch(res.text, /\bSELECT\b.*\bFROM\b|INSERT INTO|SQLITE_|syntax error at or near|\.ts:\d+/i);
      }
      return res;
    }

    test('creates: a 200 adds exactly one endpoint, a 400 adds nothing', async () => {
      const answered = new Set<number>();
      await fc.assert(
        fc.asyncProperty(body, async (data) => {
          const before = await stored();
          const res = await send('POST', '/api/webhooks', data);
          answered.add(res.status);
          const afterCreate = await stored();
          if (res.status === 400) {
            assert.deepEqual(afterCreate, before);
            return;
          }
          assert.deepEqual(
            afterCreate.filter((w) => w.id !== res.json.id),
            before,
          );
          assert.deepEqual(
            afterCreate.find((w) => w.id === res.json.id),
            res.json,
          );
          // Keep the list short for the next run.
          assert.equal((await h.call('DELETE', `/api/webhooks/${res.json.id}`, { token: h.superuser })).status, 204);
        }),
        { numRuns: RUNS_PER_PROPERTY },
      );
      // Both outcomes were exercised, or the property proved little.
      assert.deepEqual([...answered].sort(), [200, 400]);
    });

    test('updates: a 200 stores what it answers, a 400 changes nothing', async () => {
      const answered = new Set<number>();
      await fc.assert(
        fc.asyncProperty(body, async (data) => {
          const before = await stored();
          const res = await send('PATCH', `/api/webhooks/${targetId}`, data);
          answered.add(res.status);
          const afterUpdate = await stored();
          if (res.status === 400) {
            assert.deepEqual(afterUpdate, before);
            return;
          }
          assert.equal(res.json.id, targetId);
          assert.deepEqual(
            afterUpdate.map((w) => (w.id === targetId ? res.json : w)),
            afterUpdate,
          );
          assert.equal(afterUpdate.length, before.length);
        }),
        { numRuns: RUNS_PER_PROPERTY },
      );
      // Both outcomes were exercised, or the property proved little.
      assert.deepEqual([...answered].sort(), [200, 400]);
    });
  });
}
