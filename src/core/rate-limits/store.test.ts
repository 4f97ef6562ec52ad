// The counter stores: the shared cases on memory and on PostgreSQL (the database store is
// for PostgreSQL only; on SQLite there is one process and memory serves), plus each one's own.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestDatabase, type TestDatabase } from '../../db/testing.js';
import { DatabaseRateLimitStore, RATE_LIMITS_TABLE } from './database-store.js';
import { MemoryRateLimitStore } from './store.js';
import { rateLimitStoreCases } from './store.case.js';

const T0 = 1_700_000_000_000;
const window = { maxRequests: 1, durationMs: 1_000 };

describe('rate limit store [memory]', () => {
  const store = new MemoryRateLimitStore();
  rateLimitStoreCases(() => store);

  test('memory stays bounded: expired windows are swept, past the cap the oldest key goes', () => {
    const s = new MemoryRateLimitStore({ maxKeys: 100, sweepEveryMs: 5_000 });
    for (let i = 0; i < 250; i++) s.consumeOne(`k${i}`, window, T0);
    assert.equal(s.size, 100);
    // The newest keys are the ones kept.
    assert.equal(s.consumeOne('k249', window, T0), false);
    // A hit after the sweep interval clears every window that has ended.
    s.consumeOne('late', window, T0 + 5_000);
    assert.equal(s.size, 1);
  });
});

describe('rate limit store [postgres]', () => {
  let handle: TestDatabase;
  let store: DatabaseRateLimitStore;
  before(async () => {
    handle = await openTestDatabase('postgres');
    store = new DatabaseRateLimitStore(handle.db);
  });
  after(async () => {
    await handle?.cleanup();
  });

  rateLimitStoreCases(() => store);

  test('the table is UNLOGGED, created on first use, and shared by two stores', async () => {
    const row = await handle.db.get<{ relpersistence: string }>(
      `SELECT relpersistence FROM pg_class WHERE relname = ? AND relnamespace = current_schema()::regnamespace`,
      [RATE_LIMITS_TABLE],
    );
    assert.equal(row?.relpersistence, 'u');
    const other = new DatabaseRateLimitStore(handle.db);
    assert.deepEqual(await store.consume([{ key: 'shared|ip', ...window }], T0), [true]);
    assert.deepEqual(await other.consume([{ key: 'shared|ip', ...window }], T0), [false]);
  });

  test('a refused key is remembered until its window ends: no statement, unless the allowance grows', async () => {
    const statements: string[] = [];
    const counting = new Proxy(handle.db, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop === 'all' && typeof value === 'function') {
          return (sql: string, params?: unknown[]) => {
            statements.push(sql);
            return (value as (s: string, p?: unknown[]) => Promise<unknown>).call(target, sql, params);
          };
        }
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const s = new DatabaseRateLimitStore(counting);
    const hit = { key: 'flood|ip', maxRequests: 2, durationMs: 10_000 };
    for (let i = 0; i < 3; i++) await s.consume([hit], T0);
    assert.equal(statements.length, 3);
    for (let i = 0; i < 50; i++) assert.deepEqual(await s.consume([hit], T0 + 1), [false]);
    assert.equal(statements.length, 3);
    // A raised allowance asks the database again; the window's end lets the key through anew.
    assert.deepEqual(await s.consume([{ ...hit, maxRequests: 5 }], T0 + 2), [true]);
    assert.deepEqual(await s.consume([hit], T0 + 10_000), [true]);
    assert.equal(statements.length, 5);
  });

  test('a sweep deletes the windows that have ended', async () => {
    await store.consume([{ key: 'old|ip', ...window }], T0);
    await store.consume([{ key: 'new|ip', maxRequests: 1, durationMs: 60_000 }], T0);
    await store.sweep(T0 + 1_000);
    const keys = await handle.db.all<{ key: string }>(`SELECT "key" FROM "${RATE_LIMITS_TABLE}" WHERE "key" IN (?, ?)`, ['old|ip', 'new|ip']);
    assert.deepEqual(keys.map((k) => k.key), ['new|ip']);
  });
});
