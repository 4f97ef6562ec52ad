// Client IPs (trusted proxy headers only when configured) and the superuser IP allowlist:
// outside it a superuser token is a guest's and a superuser login fails like a wrong password.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { guestRequest } from '../../src/core/rules/request-info.js';
import { ADMIN, PASSWORD, signUp, startLimitsApp, writeSettings, type LimitsApp } from './limits-support.js';

const FAILED_LOGIN = { data: {}, message: 'Failed to authenticate.', status: 400 };

async function login(url: string, collection: string, credentials: { identity: string; password: string }, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/api/collections/${collection}/auth-with-password`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(credentials),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const adminLogin = (url: string, headers: Record<string, string> = {}, password = ADMIN.password) =>
  login(url, '_superusers', { identity: ADMIN.email, password }, headers);

async function statusOf(url: string, init: RequestInit = {}): Promise<number> {
  const res = await fetch(url, init);
  await res.arrayBuffer();
  return res.status;
}

test('--superuser-ips / PLINTH_SUPERUSER_IPS: a comma list of IPs and CIDR ranges, checked at start', () => {
  assert.deepEqual(loadConfig({ superuserIps: ' 10.0.0.0/8, ::1 ,192.168.1.4' }, { env: {} }).superuserIps, ['10.0.0.0/8', '::1', '192.168.1.4']);
  assert.deepEqual(loadConfig({}, { env: { PLINTH_SUPERUSER_IPS: '2001:db8::/32' } }).superuserIps, ['2001:db8::/32']);
  assert.deepEqual(loadConfig({}, { env: {} }).superuserIps, []);
  assert.throws(() => loadConfig({ superuserIps: '10.0.0.0/8,office' }, { env: {} }), ConfigError);
  assert.throws(() => loadConfig({}, { env: { PLINTH_SUPERUSER_IPS: '10.0.0.0/40' } }), /10\.0\.0\.0\/40/);
});

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`client IP and superuser allowlist [${dialect}]`, () => {
    // Superusers may act from 10/8 and 2001:db8::/32 only; the tests connect from 127.0.0.1.
    let t: LimitsApp;
    let token: string;

    before(async () => {
      t = await startLimitsApp(dialect, { superuserIps: '10.0.0.0/8,2001:db8::/32' });
      await t.app.core.superusers.upsert(ADMIN.email, ADMIN.password);
      await signUp(t.url, 'alice@example.com');
      // A valid superuser token, minted past the HTTP edge.
      token = (await t.app.core.auth.authWithPassword('_superusers', { identity: ADMIN.email, password: ADMIN.password }, guestRequest('POST'), null))
        .token;
    });
    after(async () => {
      await t?.close();
    });

    test('outside the list a superuser login fails exactly like a wrong password; users are not affected', async () => {
      assert.deepEqual(await adminLogin(t.url), { status: 400, body: FAILED_LOGIN });
      assert.deepEqual(await adminLogin(t.url, {}, 'wrong-password'), { status: 400, body: FAILED_LOGIN });
      assert.equal((await login(t.url, 'users', { identity: 'alice@example.com', password: PASSWORD })).status, 200);
    });

    test('outside the list a superuser token counts as no token', async () => {
      const auth = { Authorization: token };
      assert.equal(await statusOf(`${t.url}/api/collections`, { headers: auth }), 401);
      const users = (await (await fetch(`${t.url}/api/collections/users/records`, { headers: auth })).json()) as { items: unknown[] };
      assert.equal(users.items.length, 0);
    });

    test('proxy headers are ignored until trustedProxy names them; then the right-most address counts', async () => {
      const forwarded = (value: string) => ({ 'X-Forwarded-For': value });
      assert.equal((await adminLogin(t.url, forwarded('10.1.2.3'))).status, 400);
      assert.equal(await statusOf(`${t.url}/api/collections`, { headers: { Authorization: token, ...forwarded('10.1.2.3') } }), 401);

      await writeSettings([t.app], { trustedProxy: { headers: ['X-Forwarded-For'], useLeftmostIP: false } });
      try {
        assert.equal((await adminLogin(t.url, forwarded('10.1.2.3'))).status, 200);
        assert.equal((await adminLogin(t.url, forwarded('2001:db8::5'))).status, 200);
        assert.equal(await statusOf(`${t.url}/api/collections`, { headers: { Authorization: token, ...forwarded('10.1.2.3') } }), 200);
        // The client can prepend anything; the right-most address is the proxy's.
        assert.equal((await adminLogin(t.url, forwarded('10.1.2.3, 203.0.113.7'))).status, 400);
        assert.equal((await adminLogin(t.url)).status, 400);

        await writeSettings([t.app], { trustedProxy: { headers: ['X-Forwarded-For'], useLeftmostIP: true } });
        assert.equal((await adminLogin(t.url, forwarded('10.1.2.3, 203.0.113.7'))).status, 200);
      } finally {
        await writeSettings([t.app], { trustedProxy: { headers: [], useLeftmostIP: false } });
      }
    });

    test('rate-limit counters follow the trusted client address', async () => {
      const rateLimits = { enabled: true, excludedIPs: [], rules: [{ label: 'GET /api/health', audience: '', duration: 3600, maxRequests: 1 }] };
      const health = (ip: string) => statusOf(`${t.url}/api/health`, { headers: { 'X-Real-IP': ip } });
      await writeSettings([t.app], { rateLimits, trustedProxy: { headers: ['X-Real-IP'], useLeftmostIP: false } });
      try {
        assert.deepEqual([await health('198.51.100.1'), await health('198.51.100.1'), await health('198.51.100.2')], [200, 429, 200]);
        // Untrusted again: every request is 127.0.0.1's, whatever the header says.
        await writeSettings([t.app], { trustedProxy: { headers: [], useLeftmostIP: false } });
        assert.deepEqual([await health('198.51.100.3'), await health('198.51.100.4')], [200, 429]);
      } finally {
        await writeSettings([t.app], { rateLimits: { ...rateLimits, enabled: false }, trustedProxy: { headers: [], useLeftmostIP: false } });
      }
    });

    test('the configured list wins over the superuserIPs setting', async () => {
      await writeSettings([t.app], { superuserIPs: ['127.0.0.1'] });
      try {
        assert.equal((await adminLogin(t.url)).status, 400);
      } finally {
        await writeSettings([t.app], { superuserIPs: [] });
      }
    });
  });

  describe(`superuser allowlist from the settings [${dialect}]`, () => {
    let t: LimitsApp;
    before(async () => {
      t = await startLimitsApp(dialect);
      await t.app.core.superusers.upsert(ADMIN.email, ADMIN.password);
    });
    after(async () => {
      await t?.close();
    });

    test('without --superuser-ips, PocketBase’s superuserIPs setting applies; with neither, anywhere', async () => {
      assert.equal((await adminLogin(t.url)).status, 200);
      const { body } = await adminLogin(t.url);
      const auth = { Authorization: String(body.token) };
      await writeSettings([t.app], { superuserIPs: ['10.0.0.1'] });
      assert.equal((await adminLogin(t.url)).status, 400);
      assert.equal(await statusOf(`${t.url}/api/collections`, { headers: auth }), 401);
      await writeSettings([t.app], { superuserIPs: ['127.0.0.0/8'] });
      assert.equal((await adminLogin(t.url)).status, 200);
      assert.equal(await statusOf(`${t.url}/api/collections`, { headers: auth }), 200);
    });
  });
}
