import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RealtimeBroker, type RealtimeAuth, type RealtimeMessage, type RealtimeSink } from './broker.js';
import type { RecordModel } from '../records/record.js';
import type { Collection } from '../collections/model.js';

/** A sink whose socket drains or not, as the test says. */
function fakeSink(): RealtimeSink & { sent: RealtimeMessage[]; closed: boolean; draining: boolean } {
  return {
    sent: [],
    closed: false,
    draining: true,
    send(message) {
      this.sent.push(message);
      return this.draining;
    },
    close() {
      this.closed = true;
    },
  };
}

const users = { id: '_pb_users_auth_', name: 'users' } as Collection;
const user = (id: string): RealtimeAuth => ({ record: { collection: users, values: { id } } as RecordModel, isSuperuser: false });
const GUEST: RealtimeAuth = { record: null, isSuperuser: false };

describe('realtime broker', () => {
  test('a client that stops draining is dropped once its backlog passes the limit', () => {
    const broker = new RealtimeBroker({ maxBacklog: 2 });
    const sink = fakeSink();
    const client = broker.connect(sink, GUEST, '127.0.0.1');
    sink.draining = false;
    for (let i = 0; i < 2; i++) broker.deliver(client, { name: 'x', data: i });
    assert.equal(broker.size, 1);
    broker.drained(client.id);
    for (let i = 0; i < 2; i++) broker.deliver(client, { name: 'x', data: i });
    assert.equal(broker.size, 1, 'draining resets the backlog');
    broker.deliver(client, { name: 'x', data: 'one too many' });
    assert.equal(broker.size, 0);
    assert.equal(sink.closed, true);
    broker.deliver(client, { name: 'x', data: 'after' });
    assert.equal(sink.sent.at(-1)?.data, 'one too many', 'nothing is sent to a dropped client');
  });

  test('guest may become a user; a different identity or address is refused', () => {
    const broker = new RealtimeBroker();
    const client = broker.connect(fakeSink(), GUEST, '10.0.0.1');
    broker.setSubscriptions({ id: client.id, ip: '10.0.0.1' }, user('a'), ['notes/*?options={"query":{"expand":"owner"}}']);
    assert.equal(client.subscriptions.get('notes/*?options={"query":{"expand":"owner"}}')?.options.query.expand, 'owner');
    assert.throws(() => broker.setSubscriptions({ id: client.id, ip: '10.0.0.1' }, user('b'), []), { code: 'forbidden' });
    assert.throws(() => broker.setSubscriptions({ id: client.id, ip: '10.0.0.1' }, GUEST, []), { code: 'forbidden' });
    assert.throws(() => broker.setSubscriptions({ id: client.id, ip: '10.0.0.2' }, user('a'), []), { code: 'bad_request' });
    assert.throws(() => broker.setSubscriptions({ id: 'missing', ip: '10.0.0.1' }, user('a'), []), { code: 'not_found' });
    broker.setSubscriptions({ id: client.id, ip: '10.0.0.1' }, user('a'), []);
    assert.equal(client.subscriptions.size, 0);
    assert.deepEqual(broker.subscribers(), []);
  });

  test('with no active filter a send is synchronous; with one, messages may change or drop and keep their order', async () => {
    const broker = new RealtimeBroker();
    const sink = fakeSink();
    const client = broker.connect(sink, GUEST, '');
    let active = false;
    const releases: Array<() => void> = [];
    broker.messageFilter = {
      active: () => active,
      async apply(_client, message) {
        // The first message is held until released: the ones after it must wait for it.
        if (message.data === 1) await new Promise<void>((resolve) => releases.push(resolve));
        if (message.data === 2) return null;
        return { ...message, data: `filtered ${String(message.data)}` };
      },
      failed: () => assert.fail('no transport failure expected'),
    };
    assert.equal(broker.send(client, { name: 'x', data: 0 }), undefined);
    assert.deepEqual(sink.sent.map((m) => m.data), [0]);
    active = true;
    const sends = [1, 2, 3].map((data) => broker.send(client, { name: 'x', data }));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(sink.sent.map((m) => m.data), [0], 'nothing overtakes the held message');
    releases[0]!();
    await Promise.all(sends);
    assert.deepEqual(sink.sent.map((m) => m.data), [0, 'filtered 1', 'filtered 3']);
  });
});
