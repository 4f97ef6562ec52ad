import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { calculatePKCECodeChallenge } from 'openid-client';
import { s256Challenge } from './auth-methods.js';
import { nonceFor } from './providers/oidc.js';
import { appleUserName, AppleNameStore, OAuth2Redirects, type OAuth2RedirectMessage } from './redirect.js';
import { builtInProviders, settingsFor } from './registry.js';

const config = {
  pkce: null,
  name: 'github',
  clientId: 'id',
  clientSecret: 'secret',
  authURL: '',
  tokenURL: 'http://127.0.0.1:1/token',
  userInfoURL: '',
  displayName: '',
  extra: null,
};

describe('OAuth2 provider registry', () => {
  test("lists PocketBase's provider names in its order, then by name", () => {
    assert.deepEqual(
      builtInProviders.list().map((p) => p.name),
      ['apple', 'google', 'microsoft', 'facebook', 'github', 'gitlab', 'discord', 'oidc', 'oidc2', 'oidc3'],
    );
    assert.ok(builtInProviders.list().every((p) => p.logo.startsWith('<svg')));
  });

  test("a collection's values override the provider's defaults, empty values do not", () => {
    const settings = settingsFor(builtInProviders.get('github')!, { ...config, pkce: false, displayName: 'GH' });
    assert.equal(settings.authURL, 'https://github.com/login/oauth/authorize');
    assert.equal(settings.tokenURL, 'http://127.0.0.1:1/token');
    assert.equal(settings.userInfoURL, 'https://api.github.com/user');
    assert.equal(settings.displayName, 'GH');
    assert.equal(settings.pkce, false);
    assert.deepEqual(settings.scopes, ['read:user', 'user:email']);
    assert.equal(settingsFor(builtInProviders.get('github')!, config).pkce, true);
  });

  test('the consent URL carries client id, state, scopes and the S256 challenge', async () => {
    const provider = builtInProviders.create(config, { clock: { now: () => new Date() } })!;
    const url = await provider.authorizationURL({ state: 'st', codeVerifier: 'v'.repeat(43) });
    assert.equal(url.origin + url.pathname, 'https://github.com/login/oauth/authorize');
    assert.equal(url.searchParams.get('client_id'), 'id');
    assert.equal(url.searchParams.get('state'), 'st');
    assert.equal(url.searchParams.get('scope'), 'read:user user:email');
    assert.equal(url.searchParams.get('code_challenge'), s256Challenge('v'.repeat(43)));
    assert.equal(url.searchParams.get('redirect_uri'), null);
    assert.equal(builtInProviders.create({ ...config, name: 'unknown' }, { clock: { now: () => new Date() } }), null);
  });

  test('S256 challenges agree with openid-client; nonces differ per verifier', async () => {
    assert.equal(s256Challenge('abc123'), await calculatePKCECodeChallenge('abc123'));
    assert.notEqual(nonceFor('a'), nonceFor('b'));
    assert.equal(nonceFor('a'), nonceFor('a'));
  });
});

describe('OAuth2 redirect seam', () => {
  test('no client, no state: failure; a delivered code: success; a delivered error: failure', async () => {
    const delivered: OAuth2RedirectMessage[] = [];
    const redirects = new OAuth2Redirects(new AppleNameStore(), () => 0);
    const input = { state: 'client-1', code: 'abc', error: '', appleUser: '' };
    assert.equal(await redirects.handle(input, { ip: '127.0.0.1' }), 'failure');
    redirects.attach({
      async deliver(clientId, message) {
        if (clientId !== 'client-1') return false;
        delivered.push(message);
        return true;
      },
    });
    assert.equal(await redirects.handle({ ...input, state: '' }, { ip: '127.0.0.1' }), 'failure');
    assert.equal(await redirects.handle({ ...input, state: 'other' }, { ip: '127.0.0.1' }), 'failure');
    assert.equal(await redirects.handle(input, { ip: '127.0.0.1' }), 'success');
    assert.equal(await redirects.handle({ ...input, code: '', error: 'access_denied' }, { ip: '127.0.0.1' }), 'failure');
    assert.deepEqual(delivered, [
      { state: 'client-1', code: 'abc' },
      { state: 'client-1', code: '', error: 'access_denied' },
    ]);
  });

  test("Apple's posted name is kept for its code only when a client got the code, and only once", async () => {
    const names = new AppleNameStore();
    const redirects = new OAuth2Redirects(names, () => 1000);
    redirects.attach({ deliver: async (clientId) => clientId === 'c' });
    const user = JSON.stringify({ name: { firstName: 'Ada', lastName: 'Lovelace' } });
    await redirects.handle({ state: 'x', code: 'lost', error: '', appleUser: user }, { ip: '' });
    assert.equal(names.take('lost', 1000), '');
    await redirects.handle({ state: 'c', code: 'kept', error: '', appleUser: user }, { ip: '' });
    assert.equal(names.take('kept', 1000), 'Ada Lovelace');
    assert.equal(names.take('kept', 1000), '');
    names.put('old', 'Old Name', 0);
    assert.equal(names.take('old', 60_001), '');
    assert.equal(appleUserName('not json'), '');
  });
});
