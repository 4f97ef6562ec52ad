import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AsyncMutex } from './async-mutex.js';

test('holders run one at a time in call order, and a failure releases the lock', async () => {
  const mutex = new AsyncMutex();
  const events: string[] = [];
  const job = (name: string, fail = false) =>
    mutex.runExclusive(async () => {
      events.push(`start ${name}`);
      await new Promise((resolve) => setImmediate(resolve));
      events.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    });
  const results = await Promise.allSettled([job('a'), job('b', true), job('c')]);
  assert.deepEqual(events, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
});
