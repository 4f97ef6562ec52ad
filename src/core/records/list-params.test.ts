import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseListParams } from './list-params.js';

test('a page whose offset is past a safe integer is refused; large but possible pages pass', () => {
  assert.throws(() => parseListParams(new URLSearchParams('page=999999999999999&perPage=1000')), /Invalid page parameter/);
  assert.equal(parseListParams(new URLSearchParams('page=9007199254&perPage=1000')).page, 9007199254);
  assert.deepEqual(
    { page: parseListParams(new URLSearchParams('page=0&perPage=0')).page, perPage: parseListParams(new URLSearchParams('page=0&perPage=0')).perPage },
    { page: 1, perPage: 30 },
  );
});
