import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BoundedCache } from './bounded-cache.js';

test('evicts the least recently used entry beyond the limit', () => {
  const evicted: number[] = [];
  const cache = new BoundedCache<string, number>(2, (v) => evicted.push(v));
  cache.set('a', 1);
  cache.set('b', 2);
  assert.equal(cache.get('a'), 1); // a is now the most recent
  cache.set('c', 3);
  assert.equal(cache.size, 2);
  assert.equal(cache.get('b'), undefined);
  assert.equal(cache.get('a'), 1);
  assert.equal(cache.get('c'), 3);
  assert.deepEqual(evicted, [2]);
});
