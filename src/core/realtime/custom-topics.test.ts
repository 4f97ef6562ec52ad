import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RealtimeBroker } from './broker.js';
import { GUEST, recordingSink } from './realtime-test-support.js';
import { customTopicProblem, publishToTopic } from './custom-topics.js';

const IP = '127.0.0.1';

function subscribed(broker: RealtimeBroker, topics: string[]) {
  const sink = recordingSink();
  const client = broker.connect(sink, GUEST, IP);
  broker.setSubscriptions({ id: client.id, ip: IP }, GUEST, topics);
  return { client, sink };
}

const WITH_OPTIONS = 'chat?options=' + encodeURIComponent(JSON.stringify({ query: { room: '1' } }));

describe('custom topics', () => {
  test('a message reaches each subscription on the name, under the exact subscription string', () => {
    const broker = new RealtimeBroker();
    const plain = subscribed(broker, ['chat']);
    const both = subscribed(broker, ['chat', WITH_OPTIONS, 'posts/*']);
    const others = subscribed(broker, ['chat2', 'cha', 'chat/1', 'Chat', 'news']);
    const idle = broker.connect(recordingSink(), GUEST, IP);

    assert.equal(publishToTopic(broker, 'chat', { text: 'hi' }), 3);
    assert.deepEqual(plain.sink.sent, [{ name: 'chat', data: { text: 'hi' } }]);
    assert.deepEqual(both.sink.sent, [
      { name: 'chat', data: { text: 'hi' } },
      { name: WITH_OPTIONS, data: { text: 'hi' } },
    ]);
    assert.deepEqual(others.sink.sent, []);
    assert.equal(idle.subscriptions.size, 0);

    assert.equal(publishToTopic(broker, 'news', 'plain text'), 1);
    assert.deepEqual(others.sink.sent, [{ name: 'news', data: 'plain text' }]);
    assert.equal(publishToTopic(broker, 'nobody-listens', 1), 0);
  });

  test('undefined data is sent as null', () => {
    const broker = new RealtimeBroker();
    const { sink } = subscribed(broker, ['ping']);
    publishToTopic(broker, 'ping', undefined);
    assert.deepEqual(sink.sent, [{ name: 'ping', data: null }]);
  });

  test('record topics, reserved names and options are refused before anything is sent', () => {
    const broker = new RealtimeBroker();
    const { sink } = subscribed(broker, ['posts/*', 'posts/abc', '@oauth2', 'PB_CONNECT', 'chat?x=1', '']);
    for (const name of ['posts/*', 'posts/abc', '@oauth2', 'PB_CONNECT', 'chat?x=1', '', 'x'.repeat(2501)]) {
      assert.notEqual(customTopicProblem(name), null, name);
      assert.throws(() => publishToTopic(broker, name, {}), RangeError, name);
    }
    assert.deepEqual(sink.sent, []);
    assert.equal(customTopicProblem('chat'), null);
    assert.equal(customTopicProblem('room-1.messages'), null);
  });

  test('data JSON cannot carry is refused before the first client gets anything', () => {
    const broker = new RealtimeBroker();
    const first = subscribed(broker, ['chat']);
    const second = subscribed(broker, ['chat']);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => publishToTopic(broker, 'chat', cyclic), TypeError);
    assert.throws(() => publishToTopic(broker, 'chat', { n: 1n }), TypeError);
    assert.deepEqual([first.sink.sent, second.sink.sent], [[], []]);
  });

  test('unsubscribe ends one subscription and leaves the map a fan-out may hold untouched', () => {
    const broker = new RealtimeBroker();
    const { client } = subscribed(broker, ['chat', 'news', 'posts/*']);
    const before = client.subscriptions;
    broker.unsubscribe(client, 'chat');
    assert.deepEqual([...client.subscriptions.keys()], ['news', 'posts/*']);
    assert.deepEqual([...before.keys()], ['chat', 'news', 'posts/*']);
    broker.unsubscribe(client, 'missing');
    assert.deepEqual([...client.subscriptions.keys()], ['news', 'posts/*']);
    assert.equal([...broker.subscribedTo({ name: 'posts', id: 'pbc_1' })].length, 1);
    broker.unsubscribe(client, 'posts/*');
    assert.equal([...broker.subscribedTo({ name: 'posts', id: 'pbc_1' })].length, 0);
  });
});
