// Node messages over PostgreSQL: two database handles on one schema (two nodes) exchange
// small messages inline and large ones through the table, in order; another schema hears
// nothing; old stored messages are pruned.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { openTestDatabase, type TestDatabase } from '../testing.js';
import { openPostgres } from './open-postgres.js';
import { channelForSchema, INLINE_LIMIT_BYTES, KEEP_MS, NODE_MESSAGES_TABLE, PgNodeMessages } from './node-messages.js';
import type { Database } from '../types.js';

/** Collects received messages; `until(n)` resolves once n have arrived. */
function collector(): { received: string[]; onMessage(payload: string): void; until(n: number): Promise<void> } {
  const received: string[] = [];
  const waiters: Array<{ n: number; resolve(): void }> = [];
  return {
    received,
    onMessage(payload) {
      received.push(payload);
      for (const w of waiters.filter((w) => received.length >= w.n)) w.resolve();
    },
    until(n) {
      if (received.length >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
  };
}

describe('PostgreSQL node messages', () => {
  let first: TestDatabase;
  let other: TestDatabase;
  let second: Database;

  before(async () => {
    first = await openTestDatabase('postgres');
    other = await openTestDatabase('postgres');
    second = await openPostgres({ url: first.url! });
  });

  after(async () => {
    await second?.close();
    await first?.cleanup();
    await other?.cleanup();
  });

  test('small and large messages reach every node of the schema in order; another schema hears nothing', { timeout: 20_000 }, async () => {
    const here = collector();
    const there = collector();
    const elsewhere = collector();
    await first.db.messages!.listen(here.onMessage);
    await second.messages!.listen(there.onMessage);
    await other.db.messages!.listen(elsewhere.onMessage);

    const large = JSON.stringify({ text: 'ü'.repeat(INLINE_LIMIT_BYTES) });
    const sent = ['small one', large, 'small two', 'x'.repeat(INLINE_LIMIT_BYTES), 'last'];
    for (const message of sent) await first.db.messages!.publish(message);
    await there.until(sent.length);
    await here.until(sent.length);
    // A small message sent after a large one is not handed on before it.
    assert.deepEqual(there.received, sent);
    assert.deepEqual(here.received, sent, 'the sender hears its own messages (the relay above drops them)');

    // The other schema would have heard the first node's messages before this one of its own.
    await other.db.messages!.publish('own schema');
    await elsewhere.until(1);
    assert.deepEqual(elsewhere.received, ['own schema']);

    const stored = await first.db.get<{ n: number }>(`SELECT count(*) AS n FROM "${NODE_MESSAGES_TABLE}"`);
    assert.equal(stored?.n, 1, 'only the message over the inline limit was stored');
    assert.equal(await other.db.tableExists(NODE_MESSAGES_TABLE), false);
  });

  test('the channel is a plain identifier per schema', () => {
    assert.match(channelForSchema('t_1'), /^plinth_msg_[0-9a-f]{32}$/);
    assert.match(channelForSchema('Weird "schema"; --'), /^plinth_msg_[0-9a-f]{32}$/);
    assert.notEqual(channelForSchema('a'), channelForSchema('b'));
  });

  test('stored messages older than the keeping time are pruned, newer ones kept', async () => {
    const pool = new pg.Pool({ connectionString: first.url!, max: 2 });
    try {
      let now = Date.now();
      const messages = new PgNodeMessages({
        listenChannel: async () => () => {},
        query: (text, values) => pool.query(text, values),
        schema: async () => (await pool.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]!.s,
        now: () => now,
      });
      await pool.query(`DELETE FROM "${NODE_MESSAGES_TABLE}"`).catch(() => undefined);
      await messages.publish('y'.repeat(INLINE_LIMIT_BYTES + 1));
      const count = async () => Number((await pool.query(`SELECT count(*) AS n FROM "${NODE_MESSAGES_TABLE}"`)).rows[0].n);
      assert.equal(await count(), 1);
      assert.equal(await messages.prune(), 0, 'a fresh message is kept');
      assert.equal(await count(), 1);
      now += KEEP_MS + 60_000;
      assert.equal(await messages.prune(), 1);
      assert.equal(await count(), 0);
    } finally {
      await pool.end();
    }
  });
});
