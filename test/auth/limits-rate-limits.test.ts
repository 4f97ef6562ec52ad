// Rate limits as PocketBase has them (rules by tag, path and audience; 429 with its body),
// counted in memory on SQLite and in the database on PostgreSQL, where two Plinth
// instances on one database share the counters. Windows are long (an hour), so nothing
// here depends on timing; window expiry is covered by the store's own cases.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type PocketBase from 'pocketbase';
import { RATE_LIMITS_TABLE } from '../../src/core/rate-limits/index.js';
import { PASSWORD, signUp, startLimitsApp, superuserClient, testDatabaseUrl, userClient, writeSettings, type LimitsApp } from './limits-support.js';

const HOUR = 3600;
const TOO_MANY = { data: {}, message: 'Too Many Requests.', status: 429 };

function limits(rules: { label: string; audience?: string; maxRequests: number }[], extra: Record<string, unknown> = {}) {
  return {
    rateLimits: { enabled: true, excludedIPs: [], ...extra, rules: rules.map((r) => ({ audience: '', duration: HOUR, ...r })) },
  };
}

async function createUser(url: string, email: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/api/collections/users/records`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ email, password: PASSWORD, passwordConfirm: PASSWORD }),
  });
}

async function statuses(count: number, send: () => Promise<Response>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const res = await send();
    await res.arrayBuffer();
    out.push(res.status);
  }
  return out;
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`rate limits [${dialect}]`, () => {
    let t: LimitsApp;
    let admin: PocketBase;

    before(async () => {
      t = await startLimitsApp(dialect);
      admin = await superuserClient(t);
      await admin.collections.create({ name: 'posts', type: 'base', listRule: '', createRule: '', fields: [{ name: 'title', type: 'text' }] });
      await signUp(t.url, 'reader@example.com');
    });
    after(async () => {
      await t?.close();
    });

    test('disabled: the rules are there but nothing is limited', async () => {
      await writeSettings([t.app], { rateLimits: { ...limits([{ label: 'users:create', maxRequests: 1 }]).rateLimits, enabled: false } });
      const created = await statuses(3, () => createUser(t.url, `off${Math.random()}@example.com`));
      assert.deepEqual(created, [200, 200, 200]);
    });

    test('users:create with maxRequests 3: the 4th create is a 429 with PocketBase’s body and writes nothing', async () => {
      await writeSettings([t.app], limits([{ label: 'users:create', maxRequests: 3 }]));
      for (let i = 0; i < 3; i++) assert.equal((await createUser(t.url, `c${i}@example.com`)).status, 200);
      const refused = await createUser(t.url, 'c3@example.com');
      assert.equal(refused.status, 429);
      assert.deepEqual(await refused.json(), TOO_MANY);
      assert.equal((await admin.collection('users').getList(1, 1, { filter: 'email = "c3@example.com"' })).totalItems, 0);
      // Other collections have their own counters, and superusers are never limited.
      assert.equal((await fetch(`${t.url}/api/collections/posts/records`, { method: 'POST', body: '{}' })).status, 200);
      assert.equal((await createUser(t.url, 'by-admin@example.com', { Authorization: admin.authStore.token })).status, 200);
    });

    test('@guest and @auth rules for the same tag count separately', async () => {
      const reader = await userClient(t.url, 'reader@example.com');
      await writeSettings([t.app], limits([
        { label: 'posts:list', audience: '@guest', maxRequests: 2 },
        { label: 'posts:list', audience: '@auth', maxRequests: 3 },
      ]));
      const list = (headers: Record<string, string> = {}) => () => fetch(`${t.url}/api/collections/posts/records`, { headers });
      assert.deepEqual(await statuses(3, list()), [200, 200, 429]);
      assert.deepEqual(await statuses(4, list({ Authorization: reader.authStore.token })), [200, 200, 200, 429]);
      assert.deepEqual(await statuses(3, list({ Authorization: admin.authStore.token })), [200, 200, 200]);
    });

    test('*:auth covers password logins, right or wrong; path rules cover other routes', async () => {
      await writeSettings([t.app], limits([
        { label: '*:auth', maxRequests: 2 },
        { label: 'GET /api/health', maxRequests: 1 },
      ]));
      const login = (password: string) => () =>
        fetch(`${t.url}/api/collections/users/auth-with-password`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ identity: 'c0@example.com', password }),
        });
      assert.deepEqual(await statuses(2, login('wrong-password')), [400, 400]);
      assert.deepEqual(await statuses(1, login(PASSWORD)), [429]);
      assert.deepEqual(await statuses(2, () => fetch(`${t.url}/api/health`)), [200, 429]);
      // A trailing slash or an escaped letter reaches the same route, and counts as the same path.
      assert.deepEqual(await statuses(1, () => fetch(`${t.url}/api/health/`)), [429]);
      assert.deepEqual(await statuses(1, () => fetch(`${t.url}/api/healt%68`)), [429]);
    });

    test('excluded IPs are never limited', async () => {
      const rule = { label: 'users:listAuthMethods', maxRequests: 1 };
      const methods = () => fetch(`${t.url}/api/collections/users/auth-methods`);
      await writeSettings([t.app], limits([rule], { excludedIPs: ['10.0.0.0/8', '127.0.0.1'] }));
      assert.deepEqual(await statuses(3, methods), [200, 200, 200]);
      await writeSettings([t.app], limits([rule], { excludedIPs: ['10.0.0.0/8'] }));
      assert.deepEqual(await statuses(2, methods), [200, 429]);
    });
  });
}

describe('rate limits shared by two instances on one PostgreSQL database', () => {
  let db: Awaited<ReturnType<typeof testDatabaseUrl>>;
  let a: LimitsApp;
  let b: LimitsApp;

  before(async () => {
    db = await testDatabaseUrl('postgres');
    a = await startLimitsApp('postgres', { db: db.url });
    b = await startLimitsApp('postgres', { db: db.url });
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await db?.cleanup();
  });

  test('with rate limits off no counter table is even created', async () => {
    assert.deepEqual(await statuses(2, () => createUser(a.url, `quiet${Math.random()}@example.com`)), [200, 200]);
    assert.equal(await a.app.db.tableExists(RATE_LIMITS_TABLE), false);
  });

  test('hits on either instance count against one allowance', async () => {
    await writeSettings([a.app, b.app], limits([{ label: 'users:create', maxRequests: 3 }]));
    assert.equal((await createUser(a.url, 'n1@example.com')).status, 200);
    assert.equal((await createUser(b.url, 'n2@example.com')).status, 200);
    assert.equal((await createUser(a.url, 'n3@example.com')).status, 200);
    const refusedOnB = await createUser(b.url, 'n4@example.com');
    assert.equal(refusedOnB.status, 429);
    assert.deepEqual(await refusedOnB.json(), TOO_MANY);
    assert.equal((await createUser(a.url, 'n5@example.com')).status, 429);
  });
});
