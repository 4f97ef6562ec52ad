// The realtime relay's wire format and its ordering, over an in-memory channel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { NodeMessages } from '../../db/types.js';
import type { Collection } from '../collections/model.js';
import type { RecordEvent } from '../records/events.js';
import type { CollectionRegistry } from '../records/service.js';
import { decodeRelayMessage, encodeRelayMessage, MessageRelay } from './relay.js';

const posts = { id: 'pbc_posts000001', name: 'posts', type: 'base' } as unknown as Collection;
const registry: CollectionRegistry = {
  byId: (id) => (id === posts.id ? posts : undefined),
  byNameOrId: (ref) => (ref === posts.id || ref === posts.name ? posts : undefined),
  all: () => [posts],
};
const logger = pino({ level: 'silent' });

function event(action: RecordEvent['action'], id: string, extra: Record<string, unknown> = {}): RecordEvent {
  return { action, record: { collection: posts, values: { id, ...extra } } };
}

test('encode → decode gives the same events, rebuilt with the receiver’s collection', () => {
  const events = [event('create', 'a', { title: 'ü', tags: ['x'], meta: { n: 1 } }), event('delete', 'b')];
  const text = encodeRelayMessage('node-1', events);
  assert.deepEqual(JSON.parse(text), {
    node: 'node-1',
    events: [
      { action: 'create', collectionId: posts.id, values: { id: 'a', title: 'ü', tags: ['x'], meta: { n: 1 } } },
      { action: 'delete', collectionId: posts.id, values: { id: 'b' } },
    ],
  });
  const decoded = decodeRelayMessage(text, registry);
  assert.equal(decoded?.node, 'node-1');
  assert.deepEqual(decoded?.events, events);
  assert.equal(decoded?.events[0]!.record.collection, posts, 'the receiver’s own collection object');
});

test('events of unknown collections and malformed events are dropped; other text is not a message', () => {
  const text = JSON.stringify({
    node: 'n',
    events: [
      { action: 'create', collectionId: 'unknown', values: { id: 'a' } },
      { action: 'explode', collectionId: posts.id, values: { id: 'b' } },
      { action: 'update', collectionId: posts.id, values: null },
      { action: 'update', collectionId: posts.id, values: { id: 'c' } },
    ],
  });
  assert.deepEqual(decodeRelayMessage(text, registry)?.events, [event('update', 'c')]);
  assert.equal(decodeRelayMessage('not json', registry), null);
  assert.equal(decodeRelayMessage('{"node": 1, "events": []}', registry), null);
  assert.equal(decodeRelayMessage('{"node": "n"}', registry), null);
  assert.equal(decodeRelayMessage('[]', registry), null);
});

/** One in-memory channel shared by several relays; each publish waits until the test releases it. */
class HeldChannel {
  readonly listeners: Array<(payload: string) => void> = [];
  readonly waiting: Array<{ payload: string; release(): void }> = [];

  endpoint(): NodeMessages {
    return {
      publish: (payload) =>
        new Promise<void>((resolve) => {
          this.waiting.push({
            payload,
            release: () => {
              for (const listener of this.listeners) listener(payload);
              resolve();
            },
          });
        }),
      listen: async (onMessage) => void this.listeners.push(onMessage),
      close: async () => {},
    };
  }
}

/** Lets every pending promise callback run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

test('a node sends its transactions one at a time, in commit order, and ignores its own messages', async () => {
  const channel = new HeldChannel();
  const a = new MessageRelay({ messages: channel.endpoint(), registry, logger, node: 'A' });
  const b = new MessageRelay({ messages: channel.endpoint(), registry, logger, node: 'B' });
  const heardByA: RecordEvent[][] = [];
  const heardByB: RecordEvent[][] = [];
  await a.start((events) => heardByA.push(events));
  await b.start((events) => heardByB.push(events));

  a.publish([event('create', '1')]);
  a.publish([event('update', '1'), event('delete', '1')]);
  a.publish([]);
  await settle();
  assert.equal(channel.waiting.length, 1, 'the second message waits until the first is handed over');
  channel.waiting.shift()!.release();
  await settle();
  assert.equal(channel.waiting.length, 1);
  channel.waiting.shift()!.release();
  await a.flushed();

  assert.deepEqual(heardByB, [[event('create', '1')], [event('update', '1'), event('delete', '1')]]);
  assert.deepEqual(heardByA, [], 'a node does not hear itself');
});

test('transactions committed while a message is on its way leave together, still in order', async () => {
  const channel = new HeldChannel();
  const a = new MessageRelay({ messages: channel.endpoint(), registry, logger, node: 'A' });
  const b = new MessageRelay({ messages: channel.endpoint(), registry, logger, node: 'B' });
  const heardByB: RecordEvent[][] = [];
  await b.start((events) => heardByB.push(events));

  a.publish([event('create', '1')]);
  a.publish([event('create', '2')]);
  a.publish([event('update', '2'), event('create', '3')]);
  await settle();
  channel.waiting.shift()!.release();
  await settle();
  assert.equal(channel.waiting.length, 1, 'the two waiting transactions make one message');
  channel.waiting.shift()!.release();
  await a.flushed();
  assert.deepEqual(heardByB, [[event('create', '1')], [event('create', '2'), event('update', '2'), event('create', '3')]]);
});

test('a failing channel is logged, never thrown, and the next message still goes', async () => {
  const sent: string[] = [];
  let fail = true;
  const relay = new MessageRelay({
    messages: {
      publish: async (payload) => {
        if (fail) {
          fail = false;
          throw new Error('down');
        }
        sent.push(payload);
      },
      listen: async () => {},
      close: async () => {},
    },
    registry,
    logger,
    node: 'A',
  });
  relay.publish([event('create', '1')]);
  relay.publish([event('create', '2')]);
  await relay.close();
  assert.equal(sent.length, 1);
  assert.equal(decodeRelayMessage(sent[0]!, registry)?.events[0]!.record.values.id, '2');
});
