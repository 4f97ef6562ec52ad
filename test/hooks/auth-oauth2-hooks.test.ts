// The OAuth2 login hook against a real OpenID Connect provider (oauth2-mock-server), on both
// engines: before `next()` the handler sees the provider's user and the account the login
// would use (none for a first login) and may fill `createData`; after it, the account.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import PocketBase from 'pocketbase';
import { OAuth2Server } from 'oauth2-mock-server';
import { TEST_DIALECTS } from '../../src/db/testing.js';
import { startHookedApp, type HookedApp } from './support.js';

const CLIENT_ID = 'plinth-hooks-client';
const REDIRECT = 'http://127.0.0.1:9/oauth2-callback';

interface Seen {
  provider: string;
  email: string;
  before: { isNew: boolean; record: string | null };
  after: { isNew: boolean; record: string | null };
  authMethod?: string;
}

for (const dialect of TEST_DIALECTS) {
  describe(`OAuth2 request hook [${dialect}]`, () => {
    let h: HookedApp;
    let provider: OAuth2Server;
    let claims: Record<string, unknown> = {};
    const seen: Seen[] = [];

    before(async () => {
      provider = new OAuth2Server();
      await provider.issuer.keys.generate('RS256');
      await provider.start(0, '127.0.0.1');
      provider.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => Object.assign(token.payload, claims));
      provider.service.on('beforeUserinfo', (response: { body: Record<string, unknown> }) => {
        response.body = { sub: 'johndoe', ...claims };
      });
      h = await startHookedApp(dialect, (plinth) => {
        plinth.onRecordAuthWithOAuth2Request('users').bindFunc(async (e) => {
          const before = { isNew: e.isNewRecord, record: e.record?.id ?? null };
          if (e.isNewRecord) e.createData = { ...e.createData, name: `hooked ${e.oauth2User.name}` };
          await e.next();
          seen.push({ provider: e.providerName, email: e.oauth2User.email, before, after: { isNew: e.isNewRecord, record: e.record?.id ?? null } });
        });
        // Runs inside the OAuth2 hook's next(), so its entry comes first.
        plinth.onRecordAuthRequest('users').bindFunc(async (e) => {
          await e.next();
          seen.push({ provider: '', email: '', before: { isNew: false, record: null }, after: { isNew: false, record: e.record.id }, authMethod: e.authMethod });
        });
      });
      const admin = new PocketBase(h.url);
      admin.authStore.save(h.superuser);
      await admin.collections.update('users', {
        oauth2: {
          enabled: true,
          providers: [{ name: 'oidc', clientId: CLIENT_ID, clientSecret: 'plinth-hooks-secret', extra: { issuer: provider.issuer.url } }],
        },
      });
    });

    after(async () => {
      await h?.close();
      await provider?.stop();
    });

    async function login(next: Record<string, unknown>) {
      claims = next;
      const pb = new PocketBase(h.url);
      const methods = await pb.collection('users').listAuthMethods();
      const info = methods.oauth2.providers.find((p) => p.name === 'oidc')!;
      const answer = await fetch(info.authURL + encodeURIComponent(REDIRECT), { redirect: 'manual' });
      const code = new URL(answer.headers.get('location')!).searchParams.get('code')!;
      return pb.collection('users').authWithOAuth2Code('oidc', code, info.codeVerifier, REDIRECT);
    }

    test('a first login: no account before next(), the created one after, with the hook’s createData', async () => {
      seen.length = 0;
      const result = await login({ sub: 'ann-1', email: 'ann@example.com', email_verified: true, name: 'Ann' });
      assert.equal(result.record.name, 'hooked Ann');
      assert.equal(result.meta?.isNew, true);
      assert.deepEqual(seen, [
        { provider: '', email: '', before: { isNew: false, record: null }, after: { isNew: false, record: result.record.id }, authMethod: 'oauth2' },
        { provider: 'oidc', email: 'ann@example.com', before: { isNew: true, record: null }, after: { isNew: true, record: result.record.id } },
      ]);
    });

    test('a later login: the linked account is known before next()', async () => {
      seen.length = 0;
      const result = await login({ sub: 'ann-1', email: 'ann@example.com', email_verified: true, name: 'Ann' });
      assert.equal(result.meta?.isNew, false);
      assert.equal(result.record.name, 'hooked Ann');
      assert.deepEqual(seen[1], {
        provider: 'oidc',
        email: 'ann@example.com',
        before: { isNew: false, record: result.record.id },
        after: { isNew: false, record: result.record.id },
      });
    });
  });
}
