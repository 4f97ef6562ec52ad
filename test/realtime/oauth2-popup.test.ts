// The SDK's all-in-one OAuth2 flow end to end on both engines: `authWithOAuth2({provider})`
// subscribes to `@oauth2`, "opens" the provider (a real OpenID Connect server) with its
// realtime client id as `state`, the provider sends the browser to /api/oauth2-redirect, and
// the code reaches the SDK over the event stream. Also the redirect's refusals over real
// streams, and custom topics as the SDK receives them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import PocketBase, { ClientResponseError } from 'pocketbase';
import { OAuth2Server } from 'oauth2-mock-server';
import { publishToTopic } from '../../src/core/realtime/custom-topics.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { SseStream, TestEventSource } from '../support/sse.js';

// The SDK's realtime service opens `new EventSource(url)`; Node 20 has none.
// (A lost message would leave the SDK waiting forever: each test has a time limit.)
(globalThis as { EventSource?: unknown }).EventSource ??= TestEventSource;

const CLIENT_ID = 'plinth-popup-client';
const FAILURE_TEXT = /^Failed to authenticate\./;
const SUCCESS_TEXT = /^Auth completed\./;

/** What the test's stand-in for the popup window saw. */
interface Popup {
  state: string;
  /** Whether Plinth had a client with that id waiting on `@oauth2` when the popup opened. */
  waiting: boolean;
  finalUrl: string;
  status: number;
  contentType: string;
  text: string;
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`OAuth2 popup flow and custom topics [${dialect}]`, () => {
    let t: TestApp;
    let provider: OAuth2Server;
    let claims: Record<string, unknown> = {};
    // When set, the provider answers the next authorization with this error instead of a code.
    let denyNext = '';
    const streams: SseStream[] = [];

    before(async () => {
      provider = new OAuth2Server();
      await provider.issuer.keys.generate('RS256');
      await provider.start(0, '127.0.0.1');
      provider.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => {
        Object.assign(token.payload, claims);
      });
      provider.service.on('beforeUserinfo', (response: { body: Record<string, unknown> }) => {
        response.body = { sub: 'johndoe', ...claims };
      });
      provider.service.on('beforeAuthorizeRedirect', (redirect: { url: URL }) => {
        if (denyNext === '') return;
        redirect.url.searchParams.delete('code');
        redirect.url.searchParams.set('error', denyNext);
        denyNext = '';
      });
      t = await startTestApp(dialect);
      await t.app.core.superusers.create('root@example.com', 'root-password-1');
      const admin = new PocketBase(t.url);
      await admin.collection('_superusers').authWithPassword('root@example.com', 'root-password-1');
      await admin.collections.update('users', {
        oauth2: {
          enabled: true,
          providers: [{ name: 'oidc', clientId: CLIENT_ID, clientSecret: 'plinth-popup-secret', extra: { issuer: provider.issuer.url } }],
        },
      });
    });

    after(async () => {
      for (const stream of streams) stream.close();
      await t?.close();
      await provider?.stop();
    });

    function waitingOnOAuth2(clientId: string): boolean {
      return t.app.core.realtime.subscribers().some((c) => c.id === clientId && c.subscriptions.has('@oauth2'));
    }

    /**
     * Plays the popup window: opens the provider URL and follows its redirects back to Plinth.
     * The SDK may settle before the page has loaded (it hears of the code first), so what the
     * popup saw is kept as a promise.
     */
    function popupInto(seen: Array<Promise<Popup>>) {
      return (url: string) => {
        const state = new URL(url).searchParams.get('state') ?? '';
        const waiting = waitingOnOAuth2(state);
        seen.push(
          fetch(url).then(async (page) => ({
            state,
            waiting,
            finalUrl: page.url,
            status: page.status,
            contentType: page.headers.get('content-type') ?? '',
            text: await page.text(),
          })),
        );
      };
    }

    async function openStream(): Promise<{ stream: SseStream; clientId: string }> {
      const { stream } = await SseStream.open(`${t.url}/api/realtime`);
      streams.push(stream);
      const first = await stream.next();
      assert.equal(first.event, 'PB_CONNECT');
      return { stream, clientId: (JSON.parse(first.data) as { clientId: string }).clientId };
    }

    async function subscribe(clientId: string, subscriptions: string[]): Promise<void> {
      const res = await fetch(`${t.url}/api/realtime`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientId, subscriptions }),
      });
      assert.equal(res.status, 204);
    }

    async function redirect(query: Record<string, string>): Promise<{ status: number; contentType: string; text: string }> {
      const res = await fetch(`${t.url}/api/oauth2-redirect?${new URLSearchParams(query)}`);
      return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
    }

    test('authWithOAuth2({provider}): the code comes back over @oauth2 and the SDK signs in', { timeout: 20_000 }, async () => {
      claims = { sub: 'popup-1', email: 'popup@example.com', email_verified: true };
      const pb = new PocketBase(t.url);
      const seen: Array<Promise<Popup>> = [];
      const result = await pb.collection('users').authWithOAuth2({ provider: 'oidc', urlCallback: popupInto(seen) });

      assert.equal(seen.length, 1);
      const popup = await seen[0];
      assert.equal(popup!.waiting, true, 'the state is a realtime client waiting on @oauth2');
      assert.ok(popup!.finalUrl.startsWith(`${t.url}/api/oauth2-redirect?`), popup!.finalUrl);
      assert.equal(new URL(popup!.finalUrl).searchParams.get('state'), popup!.state);
      assert.equal(popup!.status, 200);
      assert.match(popup!.contentType, /^text\/html/);
      assert.match(popup!.text, SUCCESS_TEXT);

      assert.equal(result.record.email, 'popup@example.com');
      assert.equal(result.meta?.isNew, true);
      assert.equal(pb.authStore.isValid, true);
      assert.equal(pb.authStore.record?.id, result.record.id);
      assert.equal(waitingOnOAuth2(popup!.state), false, 'the wait ends with the redirect');

      // The same browser comes back: the second popup login opens the same account.
      const again = await new PocketBase(t.url).collection('users').authWithOAuth2({ provider: 'oidc', urlCallback: popupInto(seen) });
      assert.equal(again.record.id, result.record.id);
      assert.equal(again.meta?.isNew, false);
      assert.notEqual((await seen[1])?.state, popup!.state, 'each login waits on a fresh client');
    });

    test("the provider's error reaches the SDK, which fails the login; the popup shows the failure", { timeout: 20_000 }, async () => {
      denyNext = 'access_denied';
      const pb = new PocketBase(t.url);
      const seen: Array<Promise<Popup>> = [];
      const err = await pb
        .collection('users')
        .authWithOAuth2({ provider: 'oidc', urlCallback: popupInto(seen) })
        .then(
          () => null,
          (e: unknown) => e,
        );
      assert.ok(err instanceof ClientResponseError, 'the login fails');
      assert.match(String((err.originalError as Error | undefined)?.message), /access_denied/);
      assert.equal(pb.authStore.isValid, false);
      const popup = await seen[0];
      assert.equal(popup?.waiting, true);
      assert.equal(popup?.status, 200);
      assert.match(popup!.contentType, /^text\/plain/);
      assert.match(popup!.text, FAILURE_TEXT);
      assert.equal(waitingOnOAuth2(popup!.state), false);
    });

    test('an unknown client, a client not on @oauth2, a replayed redirect: failure, nothing sent', { timeout: 20_000 }, async () => {
      const unknown = await redirect({ state: 'no-such-client', code: 'abc' });
      assert.deepEqual([unknown.status, FAILURE_TEXT.test(unknown.text)], [200, true]);
      assert.match(unknown.contentType, /^text\/plain/);
      assert.match((await redirect({ code: 'abc' })).text, FAILURE_TEXT);

      const { stream, clientId } = await openStream();
      await subscribe(clientId, ['chat']);
      assert.match((await redirect({ state: clientId, code: 'abc' })).text, FAILURE_TEXT);
      // Had the redirect sent anything, it would come before this message.
      assert.equal(publishToTopic(t.app.core.realtime, 'chat', { n: 1 }), 1);
      const next = await stream.next();
      assert.deepEqual([next.event, JSON.parse(next.data)], ['chat', { n: 1 }]);

      // Subscribed now: a form-posted redirect (Apple's response_mode) delivers once.
      await subscribe(clientId, ['chat', '@oauth2']);
      const posted = await fetch(`${t.url}/api/oauth2-redirect`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ state: clientId, code: 'posted-code' }),
      });
      assert.match(await posted.text(), SUCCESS_TEXT);
      const delivered = await stream.next();
      assert.deepEqual(
        [delivered.id, delivered.event, JSON.parse(delivered.data)],
        [clientId, '@oauth2', { state: clientId, code: 'posted-code' }],
      );
      assert.match((await redirect({ state: clientId, code: 'replayed' })).text, FAILURE_TEXT);
      publishToTopic(t.app.core.realtime, 'chat', { n: 2 });
      assert.equal((await stream.next()).event, 'chat', 'the replay sent nothing');
    });

    test('custom topics reach SDK subscriptions with and without options; record topics cannot be published', { timeout: 20_000 }, async () => {
      const pb = new PocketBase(t.url);
      const got: Record<'plain' | 'withOptions', unknown[]> = { plain: [], withOptions: [] };
      let bothGot = () => {};
      const done = new Promise<void>((resolve) => (bothGot = resolve));
      const seen = (key: 'plain' | 'withOptions') => (data: unknown) => {
        got[key].push(data);
        if (got.plain.length > 0 && got.withOptions.length > 0) bothGot();
      };
      await pb.realtime.subscribe('news', seen('plain'));
      await pb.realtime.subscribe('news', seen('withOptions'), { query: { lang: 'en' } });
      try {
        assert.throws(() => publishToTopic(t.app.core.realtime, 'users/*', { action: 'create' }), RangeError);
        assert.throws(() => publishToTopic(t.app.core.realtime, '@oauth2', { state: pb.realtime.clientId, code: 'forged' }), RangeError);
        assert.equal(publishToTopic(t.app.core.realtime, 'news', { headline: 'hello' }), 2);
        await done;
        assert.deepEqual(got, { plain: [{ headline: 'hello' }], withOptions: [{ headline: 'hello' }] });
      } finally {
        await pb.realtime.unsubscribe().catch(() => {});
      }
    });
  });
}
