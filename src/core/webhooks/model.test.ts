import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retryAfterMs } from './delivery.js';
import { eventMatches, takesRecordEvents } from './model.js';

test('event patterns: exact names, a trailing .* for a family, * for everything', () => {
  const cases: [string[], string, boolean][] = [
    [['record.create'], 'record.create', true],
    [['record.create'], 'record.update', false],
    [['record.*'], 'record.delete', true],
    [['record.*'], 'records.delete', false],
    [['order.*'], 'order.paid', true],
    [['order.*'], 'order', false],
    [['*'], 'auth.login', true],
    [['auth.login', 'order.paid'], 'order.paid', true],
    [[], 'record.create', false],
  ];
  for (const [patterns, type, expected] of cases) assert.equal(eventMatches(patterns, type), expected, `${patterns.join(',')} ~ ${type}`);
});

test('only patterns that can take a record or auth event make writes keep a delivery', () => {
  assert.equal(takesRecordEvents(['order.paid']), false);
  assert.equal(takesRecordEvents(['auth.login']), false);
  assert.equal(takesRecordEvents(['auth.*']), false);
  assert.equal(takesRecordEvents(['record.update']), true);
  assert.equal(takesRecordEvents(['*']), true);
});

test('Retry-After: seconds or an HTTP date, anything else ignored', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');
  assert.equal(retryAfterMs('120', now), 120_000);
  assert.equal(retryAfterMs(' 0 ', now), 0);
  assert.equal(retryAfterMs('Thu, 03 Dec 2026 12:00:30 GMT', now), 30_000);
  assert.equal(retryAfterMs('Thu, 03 Dec 2026 11:00:00 GMT', now), 0, 'a date in the past means now');
  assert.equal(retryAfterMs('soon', now), null);
  assert.equal(retryAfterMs('-5', now), null);
  assert.equal(retryAfterMs(undefined, now), null);
});
