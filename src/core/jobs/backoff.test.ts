import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { exponentialBackoff, scheduleBackoff } from './backoff.js';

test('exponential backoff doubles per retry, is capped at an hour, and jitters within its upper half', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (base, retry, r) => {
      const full = Math.min(3_600_000, base * 2 ** (retry - 1));
      const delay = exponentialBackoff(base, retry, () => r);
      return delay >= Math.floor(full / 2) && delay <= Math.ceil(full);
    }),
  );
  assert.equal(exponentialBackoff(1000, 3, () => 0), 2000);
  assert.equal(exponentialBackoff(1000, 3, () => 0.999999), 4000);
});

test('a schedule gives each retry its delay ±10%, repeating the last one', () => {
  const schedule = scheduleBackoff([1000, 60_000], () => 0.5);
  assert.deepEqual([1, 2, 3, 9].map(schedule), [1000, 60_000, 60_000, 60_000]);
  const low = scheduleBackoff([1000], () => 0);
  const high = scheduleBackoff([1000], () => 0.999999);
  assert.equal(low(1), 900);
  assert.equal(high(1), 1100);
});
