// The OAuth2 routes around the login itself: the provider list for superusers and the
// popup flow's redirect endpoint (with a stand-in for the realtime module's delivery).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../support/app.js';

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`OAuth2 routes [${dialect}]`, () => {
    let t: TestApp;
    let superuser = '';
    let user = '';

    before(async () => {
      t = await startTestApp(dialect);
      await t.app.core.superusers.create('root@example.com', 'root-password-1');
      const login = async (collection: string, identity: string, password: string) => {
        const res = await fetch(`${t.url}/api/collections/${collection}/auth-with-password`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ identity, password }),
        });
        return ((await res.json()) as { token: string }).token;
      };
      superuser = await login('_superusers', 'root@example.com', 'root-password-1');
      const created = await fetch(`${t.url}/api/collections/users/records`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: superuser },
        body: JSON.stringify({ email: 'u@example.com', password: 'user-password-1', passwordConfirm: 'user-password-1' }),
      });
      assert.equal(created.status, 200);
      user = await login('users', 'u@example.com', 'user-password-1');
    });

    after(async () => {
      await t?.close();
    });

    test('meta/oauth2-providers is for superusers and lists name, displayName and logo', async () => {
      const path = `${t.url}/api/collections/meta/oauth2-providers`;
      assert.equal((await fetch(path)).status, 401);
      assert.equal((await fetch(path, { headers: { authorization: user } })).status, 403);
      const res = await fetch(path, { headers: { authorization: superuser } });
      assert.equal(res.status, 200);
      const list = (await res.json()) as Array<Record<string, string>>;
      assert.deepEqual(Object.keys(list[0]!), ['name', 'displayName', 'logo']);
      assert.deepEqual(list.find((p) => p.name === 'oidc3')?.displayName, 'OIDC');
      assert.equal(list.length, 10);
    });

    test('collections refuse providers Plinth does not know', async () => {
      const res = await fetch(`${t.url}/api/collections/users`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: superuser },
        body: JSON.stringify({ oauth2: { enabled: true, providers: [{ name: 'myspace', clientId: 'a', clientSecret: 'b' }] } }),
      });
      assert.equal(res.status, 400);
      const body = (await res.json()) as { data: { oauth2: { providers: Record<string, { name: { code: string } }> } } };
      assert.equal(body.data.oauth2.providers['0']?.name.code, 'validation_missing_provider');
    });

    test('the redirect answers with a failure page when no client waits, and hands codes to one that does', async () => {
      const failed = await fetch(`${t.url}/api/oauth2-redirect?code=123&state=missing`);
      assert.equal(failed.status, 200);
      assert.match(await failed.text(), /^Failed to authenticate/);
      const delivered: unknown[] = [];
      t.app.core.oauth2.redirects.attach({
        async deliver(clientId, message) {
          if (clientId !== 'client-1') return false;
          delivered.push(message);
          return true;
        },
      });
      const ok = await fetch(`${t.url}/api/oauth2-redirect?code=123&state=client-1`);
      assert.match(await ok.text(), /^Auth completed/);
      const posted = await fetch(`${t.url}/api/oauth2-redirect`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ state: 'client-1', code: '456' }),
      });
      assert.match(await posted.text(), /^Auth completed/);
      const denied = await fetch(`${t.url}/api/oauth2-redirect?error=access_denied&state=client-1`);
      assert.match(await denied.text(), /^Failed to authenticate/);
      assert.deepEqual(delivered, [
        { state: 'client-1', code: '123' },
        { state: 'client-1', code: '456' },
        { state: 'client-1', code: '', error: 'access_denied' },
      ]);
    });
  });
}
