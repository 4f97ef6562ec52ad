// The popup redirect against a real broker: who gets the `@oauth2` message, and what the
// redirect answers.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppleNameStore, OAuth2Redirects } from '../auth/oauth2/redirect.js';
import { RealtimeBroker } from './broker.js';
import { GUEST, recordingSink } from './realtime-test-support.js';
import { OAUTH2_TOPIC, oauth2RedirectTarget } from './oauth2-delivery.js';

const IP = '10.0.0.1';

function setup() {
  const broker = new RealtimeBroker();
  const redirects = new OAuth2Redirects(new AppleNameStore(), () => 0);
  redirects.attach(oauth2RedirectTarget(broker));
  const connect = (topics: string[], ip = IP) => {
    const sink = recordingSink();
    const client = broker.connect(sink, GUEST, ip);
    broker.setSubscriptions({ id: client.id, ip }, GUEST, topics);
    return { client, sink };
  };
  const redirect = (state: string, fields: { code?: string; error?: string; ip?: string } = {}) =>
    redirects.handle({ state, code: fields.code ?? '', error: fields.error ?? '', appleUser: '' }, { ip: fields.ip ?? IP });
  return { broker, connect, redirect };
}

describe('OAuth2 redirect delivery over realtime', () => {
  test('the waiting client gets {state, code} on @oauth2 once; its other subscriptions stay', async () => {
    const { connect, redirect } = setup();
    const waiting = connect([OAUTH2_TOPIC, 'chat']);
    const bystander = connect([OAUTH2_TOPIC]);
    assert.equal(await redirect(waiting.client.id, { code: 'abc' }), 'success');
    assert.deepEqual(waiting.sink.sent, [{ name: '@oauth2', data: { state: waiting.client.id, code: 'abc' } }]);
    assert.deepEqual([...waiting.client.subscriptions.keys()], ['chat']);
    assert.deepEqual(bystander.sink.sent, []);
    // A replayed redirect finds no subscription any more.
    assert.equal(await redirect(waiting.client.id, { code: 'abc' }), 'failure');
    assert.equal(waiting.sink.sent.length, 1);
  });

  test('an unknown client id, or no state at all: failure, nothing sent', async () => {
    const { connect, redirect } = setup();
    const waiting = connect([OAUTH2_TOPIC]);
    assert.equal(await redirect('no-such-client', { code: 'abc' }), 'failure');
    assert.equal(await redirect('', { code: 'abc' }), 'failure');
    assert.deepEqual(waiting.sink.sent, []);
    assert.ok(waiting.client.subscriptions.has(OAUTH2_TOPIC));
  });

  test('a client not subscribed to @oauth2 (or only with options) gets nothing', async () => {
    const { broker, connect, redirect } = setup();
    const other = connect(['chat', '@oauth2?options=%7B%7D']);
    const silent = broker.connect(recordingSink(), GUEST, IP);
    assert.equal(await redirect(other.client.id, { code: 'abc' }), 'failure');
    assert.equal(await redirect(silent.id, { code: 'abc' }), 'failure');
    assert.deepEqual(other.sink.sent, []);
    assert.equal(other.client.subscriptions.size, 2);
  });

  test("the provider's error is delivered to the client, and the redirect reports failure", async () => {
    const { connect, redirect } = setup();
    const waiting = connect([OAUTH2_TOPIC]);
    assert.equal(await redirect(waiting.client.id, { error: 'access_denied' }), 'failure');
    assert.deepEqual(waiting.sink.sent, [{ name: '@oauth2', data: { state: waiting.client.id, code: '', error: 'access_denied' } }]);
    assert.equal(waiting.client.subscriptions.size, 0);
    // No error but no code either: a failure too, and delivered as it came.
    const again = connect([OAUTH2_TOPIC]);
    assert.equal(await redirect(again.client.id), 'failure');
    assert.deepEqual(again.sink.sent, [{ name: '@oauth2', data: { state: again.client.id, code: '' } }]);
  });

  test('a redirect from another address gets nothing and ends the wait; a client without address is not checked', async () => {
    const { connect, redirect } = setup();
    const waiting = connect([OAUTH2_TOPIC]);
    assert.equal(await redirect(waiting.client.id, { code: 'abc', ip: '10.9.9.9' }), 'failure');
    assert.deepEqual(waiting.sink.sent, []);
    assert.equal(waiting.client.subscriptions.has(OAUTH2_TOPIC), false);
    const anywhere = connect([OAUTH2_TOPIC], '');
    assert.equal(await redirect(anywhere.client.id, { code: 'abc', ip: '10.9.9.9' }), 'success');
    assert.equal(anywhere.sink.sent.length, 1);
  });
});
