// One case suite for every RateLimitStore adapter: the same fixed-window behaviour in
// memory and in the database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RateLimitStore } from './store.js';

const T0 = 1_700_000_000_000;

async function hits(store: RateLimitStore, key: string, times: number, options: { max: number; now: number; durationMs?: number }) {
  const out: boolean[] = [];
  for (let i = 0; i < times; i++) {
    const [allowed] = await store.consume([{ key, maxRequests: options.max, durationMs: options.durationMs ?? 10_000 }], options.now);
    out.push(allowed!);
  }
  return out;
}

/** Registers the shared cases; `store()` gives the adapter under test (shared by the cases, so keys differ per case). */
export function rateLimitStoreCases(store: () => RateLimitStore): void {
  test('allows maxRequests hits per window, then refuses until the window ends', async () => {
    const s = store();
    assert.deepEqual(await hits(s, 'a|1.2.3.4', 4, { max: 3, now: T0 }), [true, true, true, false]);
    assert.deepEqual(await hits(s, 'a|1.2.3.4', 1, { max: 3, now: T0 + 9_999 }), [false]);
    // The window started at the first hit; the first hit after it opens a new one.
    assert.deepEqual(await hits(s, 'a|1.2.3.4', 4, { max: 3, now: T0 + 10_000 }), [true, true, true, false]);
  });

  test('keys count separately', async () => {
    const s = store();
    assert.deepEqual(await hits(s, 'b|1.1.1.1', 2, { max: 1, now: T0 }), [true, false]);
    assert.deepEqual(await hits(s, 'b|2.2.2.2', 2, { max: 1, now: T0 }), [true, false]);
    assert.deepEqual(await hits(s, 'c|1.1.1.1', 1, { max: 1, now: T0 }), [true]);
  });

  test('a changed allowance applies to the running window; refused hits count, capped', async () => {
    const s = store();
    assert.deepEqual(await hits(s, 'd|ip', 2, { max: 5, now: T0 }), [true, true]);
    // Lowered to 2: the third hit is refused (and counted: 3).
    assert.deepEqual(await hits(s, 'd|ip', 1, { max: 2, now: T0 + 1 }), [false]);
    // Raised to 4: one more fits.
    assert.deepEqual(await hits(s, 'd|ip', 2, { max: 4, now: T0 + 2 }), [true, false]);
    // Many refusals do not pile up: raised to 6, the count is 5, so one fits.
    assert.deepEqual(await hits(s, 'd|ip', 5, { max: 4, now: T0 + 3 }), [false, false, false, false, false]);
    assert.deepEqual(await hits(s, 'd|ip', 2, { max: 6, now: T0 + 4 }), [true, false]);
  });

  test('concurrent hits on one key never let more than the allowance through', async () => {
    const s = store();
    const results = await Promise.all(Array.from({ length: 40 }, () => s.consume([{ key: 'e|ip', maxRequests: 10, durationMs: 60_000 }], T0)));
    assert.equal(results.filter(([allowed]) => allowed).length, 10);
  });

  test('several keys in one call: each has its own window and answer', async () => {
    const s = store();
    const both = [
      { key: 'f|path|ip', maxRequests: 2, durationMs: 10_000 },
      { key: 'f|create|ip', maxRequests: 1, durationMs: 5_000 },
    ];
    assert.deepEqual(await s.consume(both, T0), [true, true]);
    assert.deepEqual(await s.consume(both, T0 + 1), [true, false]);
    assert.deepEqual(await s.consume(both, T0 + 2), [false, false]);
    // The shorter window ends first.
    assert.deepEqual(await s.consume(both, T0 + 5_000), [false, true]);
    assert.deepEqual(await s.consume([], T0), []);
  });
}
