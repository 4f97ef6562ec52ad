// OAuth2 login end to end against a real OpenID Connect provider (oauth2-mock-server on a
// local port): the SDK lists the auth methods, the test drives the provider's authorize
// endpoint like a browser would, and the SDK exchanges the code through Plinth.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import PocketBase, { ClientResponseError } from 'pocketbase';
import { OAuth2Server } from 'oauth2-mock-server';
import { startTestApp, type TestApp } from '../support/app.js';

const CLIENT_ID = 'plinth-test-client';
const REDIRECT = 'http://127.0.0.1:9/oauth2-callback';

interface LoginOptions {
  claims: Record<string, unknown>;
  createData?: Record<string, unknown>;
  /** Replaces the verifier sent with the code (PKCE mismatch). */
  codeVerifier?: string;
  collection?: string;
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`OAuth2 with an OpenID Connect provider [${dialect}]`, () => {
    let t: TestApp;
    let provider: OAuth2Server;
    let admin: PocketBase;
    // What the provider says about the next user (ID token and user-info claims).
    let claims: Record<string, unknown> = {};
    // Applied to the next ID token only (after `claims`).
    let idTokenOverride: Record<string, unknown> | null = null;

    before(async () => {
      provider = new OAuth2Server();
      await provider.issuer.keys.generate('RS256');
      await provider.start(0, '127.0.0.1');
      provider.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => {
        Object.assign(token.payload, claims);
        if (token.payload.aud === CLIENT_ID && idTokenOverride) Object.assign(token.payload, idTokenOverride);
      });
      provider.service.on('beforeUserinfo', (response: { body: Record<string, unknown> }) => {
        response.body = { sub: 'johndoe', ...claims };
      });
      t = await startTestApp(dialect);
      await t.app.core.superusers.create('root@example.com', 'root-password-1');
      admin = new PocketBase(t.url);
      await admin.collection('_superusers').authWithPassword('root@example.com', 'root-password-1');
      await admin.collections.update('users', {
        oauth2: {
          enabled: true,
          mappedFields: { name: 'name' },
          providers: [{ name: 'oidc', clientId: CLIENT_ID, clientSecret: 'plinth-test-secret', extra: { issuer: provider.issuer.url } }],
        },
      });
    });

    after(async () => {
      await t?.close();
      await provider?.stop();
    });

    async function login(options: LoginOptions) {
      claims = options.claims;
      const pb = new PocketBase(t.url);
      const collection = options.collection ?? 'users';
      const methods = await pb.collection(collection).listAuthMethods();
      const info = methods.oauth2.providers.find((p) => p.name === 'oidc');
      assert.ok(info, 'the oidc provider is listed');
      assert.ok(info.authURL.endsWith('&redirect_uri='));
      const answer = await fetch(info.authURL + encodeURIComponent(REDIRECT), { redirect: 'manual' });
      assert.equal(answer.status, 302);
      const back = new URL(answer.headers.get('location')!);
      assert.equal(back.searchParams.get('state'), info.state);
      const code = back.searchParams.get('code')!;
      const verifier = options.codeVerifier ?? info.codeVerifier;
      const result = await pb.collection(collection).authWithOAuth2Code('oidc', code, verifier, REDIRECT, options.createData);
      return { pb, result, code, verifier };
    }

    async function linksOf(recordId: string) {
      return admin.collection('_externalAuths').getFullList({ filter: admin.filter('recordRef = {:id}', { id: recordId }) });
    }

    async function rejected(promise: Promise<unknown>): Promise<ClientResponseError> {
      const err = await promise.then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(err instanceof ClientResponseError, 'the request fails');
      return err;
    }

    test('auth-methods lists the provider with state, PKCE and the OIDC display name', async () => {
      const methods = await new PocketBase(t.url).collection('users').listAuthMethods();
      assert.equal(methods.oauth2.enabled, true);
      const [info] = methods.oauth2.providers;
      assert.equal(info?.displayName, 'OIDC');
      assert.equal(info?.codeChallengeMethod, 'S256');
      assert.ok(String((info as unknown as { logo: string }).logo).startsWith('<svg'));
      const url = new URL(info!.authURL);
      assert.equal(url.searchParams.get('code_challenge'), info!.codeChallenge);
      assert.equal(url.searchParams.get('client_id'), CLIENT_ID);
      assert.ok(url.searchParams.get('nonce'), 'an ID token nonce is requested');
    });

    test('a first login creates a verified account and links it; the second logs into it', async () => {
      const first = await login({ claims: { sub: 'alice-1', email: 'alice@example.com', email_verified: true, name: 'Alice' } });
      assert.equal(first.result.meta?.isNew, true);
      assert.equal(first.result.meta?.email, 'alice@example.com');
      assert.equal(first.result.record.email, 'alice@example.com');
      assert.equal(first.result.record.verified, true);
      assert.equal(first.result.record.name, 'Alice');
      const links = await linksOf(first.result.record.id);
      assert.deepEqual(
        links.map((l) => [l.provider, l.providerId, l.collectionRef]),
        [['oidc', 'alice-1', '_pb_users_auth_']],
      );
      assert.ok(first.pb.authStore.isValid);

      const second = await login({ claims: { sub: 'alice-1', email: 'alice@example.com', email_verified: true } });
      assert.equal(second.result.meta?.isNew, false);
      assert.equal(second.result.record.id, first.result.record.id);
      assert.equal((await linksOf(first.result.record.id)).length, 1);
    });

    test('a verified email links to the existing account and locks out a pre-created password', async () => {
      const bob = await admin.collection('users').create({ email: 'bob@example.com', password: 'bob-password-1', passwordConfirm: 'bob-password-1' });
      const { result } = await login({ claims: { sub: 'bob-1', email: 'bob@example.com', email_verified: true } });
      assert.equal(result.meta?.isNew, false);
      assert.equal(result.record.id, bob.id);
      assert.equal(result.record.verified, true);
      // The account was unverified: whoever set its password may have been someone else.
      await rejected(new PocketBase(t.url).collection('users').authWithPassword('bob@example.com', 'bob-password-1'));
    });

    test('an unverified email never links; without another email the sign-up is refused', async () => {
      const carol = await admin.collection('users').create({ email: 'carol@example.com', password: 'carol-password-1', passwordConfirm: 'carol-password-1' });
      // `users` requires an email and the provider asserted none it verified.
      const err = await rejected(login({ claims: { sub: 'mallory-1', email: 'carol@example.com', email_verified: false } }));
      assert.equal(err.status, 400);
      assert.equal(err.response.data?.email?.code, 'validation_required');
      // Carol's account is untouched: same password, no link, nothing created.
      await new PocketBase(t.url).collection('users').authWithPassword('carol@example.com', 'carol-password-1');
      assert.equal((await linksOf(carol.id)).length, 0);
      assert.equal((await admin.collection('_externalAuths').getList(1, 1, { filter: 'providerId = "mallory-1"' })).totalItems, 0);
    });

    test('where email is optional, an unverified email is left out of the new account', async () => {
      await admin.collections.create({
        name: 'fans',
        type: 'auth',
        createRule: '',
        fields: [{ name: 'email', type: 'email', required: false }],
        oauth2: {
          enabled: true,
          providers: [{ name: 'oidc', clientId: CLIENT_ID, clientSecret: 'plinth-test-secret', extra: { issuer: provider.issuer.url } }],
        },
      });
      const carol = await admin.collection('fans').create({ email: 'carol@example.com', password: 'carol-password-1', passwordConfirm: 'carol-password-1' });
      const { result } = await login({ collection: 'fans', claims: { sub: 'mallory-2', email: 'carol@example.com', email_verified: false } });
      assert.equal(result.meta?.isNew, true);
      assert.notEqual(result.record.id, carol.id);
      assert.equal(result.record.email, '');
      assert.equal(result.meta?.email, '');
      assert.equal((result.meta?.rawUser as Record<string, unknown>).email, 'carol@example.com');
      assert.equal((await linksOf(carol.id)).length, 0);
      // createData cannot put an email the provider did not assert on the account either.
      const other = await login({ collection: 'fans', claims: { sub: 'dave-1' }, createData: { email: 'victim@example.com' } });
      assert.equal(other.result.meta?.isNew, true);
      assert.equal(other.result.record.email, '');
    });

    test('createData fills other fields but not the email', async () => {
      const { result } = await login({
        claims: { sub: 'erin-1', email: 'erin@example.com', email_verified: true },
        createData: { email: 'victim@example.com', name: 'Erin E.' },
      });
      assert.equal(result.meta?.isNew, true);
      assert.equal(result.record.email, 'erin@example.com');
      assert.equal(result.record.verified, true);
      assert.equal(result.record.name, 'Erin E.');
    });

    test('a signed-in account links a provider account to itself', async () => {
      const zoe = await admin.collection('users').create({ email: 'zoe@example.com', password: 'zoe-password-1', passwordConfirm: 'zoe-password-1', verified: true });
      const pb = new PocketBase(t.url);
      await pb.collection('users').authWithPassword('zoe@example.com', 'zoe-password-1');
      claims = { sub: 'zoe-work', email: 'zoe@work.example.com', email_verified: true };
      const info = (await pb.collection('users').listAuthMethods()).oauth2.providers[0]!;
      const back = new URL((await fetch(info.authURL + encodeURIComponent(REDIRECT), { redirect: 'manual' })).headers.get('location')!);
      const result = await pb.collection('users').authWithOAuth2Code('oidc', back.searchParams.get('code')!, info.codeVerifier, REDIRECT);
      assert.equal(result.meta?.isNew, false);
      assert.equal(result.record.id, zoe.id);
      assert.equal(result.record.email, 'zoe@example.com');
      assert.deepEqual((await linksOf(zoe.id)).map((l) => l.providerId), ['zoe-work']);
      // The password still works: a verified account keeps its credentials.
      await new PocketBase(t.url).collection('users').authWithPassword('zoe@example.com', 'zoe-password-1');
    });

    test('apple reads the user from its ID token, checked against the configured key set', async () => {
      const issuer = provider.issuer.url!;
      await admin.collections.update('users', {
        oauth2: {
          providers: [
            { name: 'oidc' },
            {
              name: 'apple',
              clientId: CLIENT_ID,
              clientSecret: 'apple-client-secret-jwt',
              authURL: `${issuer}/authorize`,
              tokenURL: `${issuer}/token`,
              extra: { jwksURL: `${issuer}/jwks`, issuers: [issuer] },
            },
          ],
        },
      });
      claims = { sub: 'apple-1', email: 'ann@example.com', email_verified: 'true' };
      const pb = new PocketBase(t.url);
      const info = (await pb.collection('users').listAuthMethods()).oauth2.providers.find((p) => p.name === 'apple')!;
      assert.equal(new URL(info.authURL).searchParams.get('response_mode'), 'form_post');
      const back = new URL((await fetch(info.authURL + encodeURIComponent(REDIRECT), { redirect: 'manual' })).headers.get('location')!);
      const result = await pb.collection('users').authWithOAuth2Code('apple', back.searchParams.get('code')!, info.codeVerifier, REDIRECT);
      assert.equal(result.meta?.id, 'apple-1');
      assert.equal(result.record.email, 'ann@example.com');
      idTokenOverride = { aud: 'someone-else' };
      try {
        const again = (await pb.collection('users').listAuthMethods()).oauth2.providers.find((p) => p.name === 'apple')!;
        const next = new URL((await fetch(again.authURL + encodeURIComponent(REDIRECT), { redirect: 'manual' })).headers.get('location')!);
        const err = await rejected(pb.collection('users').authWithOAuth2Code('apple', next.searchParams.get('code')!, again.codeVerifier, REDIRECT));
        assert.equal(err.response.message, 'Failed to fetch OAuth2 user.');
      } finally {
        idTokenOverride = null;
      }
    });

    test('createData cannot mark the new account verified', async () => {
      const err = await rejected(login({ claims: { sub: 'frank-1' }, createData: { verified: true } }));
      assert.equal(err.status, 400);
      assert.equal(err.response.data?.verified?.code, 'validation_values_mismatch');
    });

    test('a PKCE verifier that does not match the challenge is refused', async () => {
      const err = await rejected(login({ claims: { sub: 'gina-1' }, codeVerifier: 'A'.repeat(43) }));
      assert.equal(err.status, 400);
      assert.equal(err.response.message, 'Failed to fetch OAuth2 token.');
    });

    test('a replayed authorization code is refused', async () => {
      const first = await login({ claims: { sub: 'hank-1', email: 'hank@example.com', email_verified: true } });
      const err = await rejected(new PocketBase(t.url).collection('users').authWithOAuth2Code('oidc', first.code, first.verifier, REDIRECT));
      assert.equal(err.status, 400);
    });

    for (const [name, override] of [
      ['an ID token for another client', { aud: 'someone-else' }],
      ['an expired ID token', { exp: Math.floor(Date.now() / 1000) - 3600, iat: Math.floor(Date.now() / 1000) - 7200 }],
      ['an ID token from another issuer', { iss: 'https://evil.example.com' }],
      ['an ID token with another nonce', { nonce: 'not-the-one' }],
    ] as const) {
      test(`${name} is refused`, async () => {
        idTokenOverride = override;
        try {
          const err = await rejected(login({ claims: { sub: 'ivan-1' } }));
          assert.equal(err.status, 400);
          assert.equal(err.response.message, 'Failed to fetch OAuth2 token.');
        } finally {
          idTokenOverride = null;
        }
      });
    }

    test('an ID token whose payload was changed after signing is refused', async () => {
      const tamper = (response: { body: Record<string, unknown> }) => {
        const [header, payload, signature] = String(response.body.id_token).split('.');
        const claimsOf = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
        claimsOf.sub = 'alice-1';
        response.body.id_token = [header, Buffer.from(JSON.stringify(claimsOf)).toString('base64url'), signature].join('.');
      };
      provider.service.once('beforeResponse', tamper);
      const err = await rejected(login({ claims: { sub: 'judy-1' } }));
      assert.equal(err.status, 400);
      assert.equal(err.response.message, 'Failed to fetch OAuth2 token.');
    });

    test('providers that are not enabled on the collection, or unknown, are refused', async () => {
      const users = new PocketBase(t.url).collection('users');
      for (const name of ['google', 'nope']) {
        const err = await rejected(users.authWithOAuth2Code(name, 'some-code', 'verifier', REDIRECT));
        assert.equal(err.status, 400);
        assert.equal(err.response.data?.provider?.code, 'validation_invalid_provider');
      }
      const missing = await rejected(users.authWithOAuth2Code('', '', '', REDIRECT));
      assert.deepEqual(Object.keys(missing.response.data ?? {}).sort(), ['code', 'provider']);
    });

    test('a collection with OAuth2 disabled refuses it', async () => {
      await admin.collections.create({
        name: 'members',
        type: 'auth',
        oauth2: { enabled: false },
        passwordAuth: { enabled: true },
      });
      const err = await rejected(new PocketBase(t.url).collection('members').authWithOAuth2Code('oidc', 'code', 'verifier', REDIRECT));
      assert.equal(err.status, 403);
      const methods = await new PocketBase(t.url).collection('members').listAuthMethods();
      assert.deepEqual(methods.oauth2, { providers: [], enabled: false });
    });

    test('the createRule applies to accounts OAuth2 would create, not to linked ones', async () => {
      await admin.collections.update('users', { createRule: null });
      try {
        const err = await rejected(login({ claims: { sub: 'kate-1', email: 'kate@example.com', email_verified: true } }));
        assert.equal(err.status, 403);
        assert.equal((await admin.collection('users').getList(1, 1, { filter: 'email = "kate@example.com"' })).totalItems, 0);
        const again = await login({ claims: { sub: 'alice-1', email: 'alice@example.com', email_verified: true } });
        assert.equal(again.result.meta?.isNew, false);
      } finally {
        await admin.collections.update('users', { createRule: '' });
      }
    });
  });
}
