import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRange } from './serve-blob.js';

test('Range headers against a 100-byte file', () => {
  const one = (start: number, end: number) => ({ kind: 'one', range: { start, end } });
  const cases: [string | undefined, unknown][] = [
    [undefined, { kind: 'none' }],
    ['bytes=0-9', one(0, 9)],
    ['bytes=90-', one(90, 99)],
    ['bytes=90-500', one(90, 99)],
    ['bytes=-10', one(90, 99)],
    ['bytes=-500', one(0, 99)],
    ['bytes=0-1,5-6', { kind: 'none' }],
    ['bytes=100-', { kind: 'unsatisfiable' }],
    ['bytes=5-1', { kind: 'unsatisfiable' }],
    ['bytes=abc', { kind: 'unsatisfiable' }],
    ['items=0-1', { kind: 'unsatisfiable' }],
    ['bytes=', { kind: 'unsatisfiable' }],
  ];
  for (const [header, expected] of cases) assert.deepEqual(parseRange(header, 100), expected, header);
});
