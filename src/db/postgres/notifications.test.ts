// Change announcements between two database handles on one PostgreSQL schema (two nodes),
// and none across schemas or back to the sender.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestDatabase, type TestDatabase } from '../testing.js';
import { openPostgres } from './open-postgres.js';
import type { Database } from '../types.js';

function nextCall(subscribe: (listener: () => void) => () => void): Promise<void> {
  return new Promise((resolve) => {
    const stop = subscribe(() => {
      stop();
      resolve();
    });
  });
}

describe('PostgreSQL change notifications', () => {
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

  test('a publish reaches the other node of the schema, not the sender or another schema', async () => {
    const a = first.db.notifications!;
    const b = second.notifications!;
    const elsewhere = other.db.notifications!;
    const heard: string[] = [];
    a.subscribe('settings', () => heard.push('first node'));
    elsewhere.subscribe('settings', () => heard.push('other schema'));
    const received = nextCall((l) => b.subscribe('settings', l));
    // Listening starts on the first subscribe; wait until every listener is connected.
    await Promise.all([a, b, elsewhere].map((n) => (n as unknown as { ready(): Promise<void> }).ready()));

    await a.publish('settings');
    await received;
    // Now the other way round. NOTIFY keeps order, so once this arrives, the first node's own
    // earlier message would have too: it must have heard only this one.
    const back = nextCall((l) => a.subscribe('settings', l));
    await b.publish('settings');
    await back;
    assert.deepEqual(heard, ['first node']);
  });

  test('topics are separate', async () => {
    const heard: string[] = [];
    second.notifications!.subscribe('collections', () => heard.push('collections'));
    const settings = nextCall((l) => second.notifications!.subscribe('settings', l));
    await first.db.notifications!.publish('collections');
    await first.db.notifications!.publish('settings');
    await settings;
    // NOTIFY delivers in commit order, so the earlier topic has arrived by now.
    assert.deepEqual(heard, ['collections']);
  });
});
