import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../errors/index.js';
import { parseFieldsParam, pickFields } from './fields-picker.js';
import { excerpt } from './excerpt.js';

const record = { id: 'a', title: 'T', body: '<p>Hello <b>big</b> world</p>', expand: { author: { id: 'u', name: 'Ann', age: 3 } } };

test('keeps only the listed keys, nested through dots', () => {
  assert.deepEqual(pickFields(record, parseFieldsParam('id, expand.author.name'), false), {
    id: 'a',
    expand: { author: { name: 'Ann' } },
  });
});

test('a star keeps everything at its level and can carry a modifier', () => {
  assert.deepEqual(pickFields({ a: 'x', b: '<i>yy</i>' }, parseFieldsParam('*:excerpt(1)'), false), { a: 'x', b: 'y' });
  assert.deepEqual(pickFields(record, parseFieldsParam('*,expand.author.id'), false), {
    id: 'a',
    title: 'T',
    body: record.body,
    expand: { author: { id: 'u' } },
  });
});

test('list results are picked per item, the envelope stays', () => {
  const list = { page: 1, perPage: 30, totalItems: 1, totalPages: 1, items: [record] };
  assert.deepEqual(pickFields(list, parseFieldsParam('title'), true), { ...list, items: [{ title: 'T' }] });
});

test('excerpt strips tags, collapses spaces and truncates with an optional ellipsis', () => {
  assert.equal(excerpt('<p>Hello <b>big</b> world</p><script>x()</script>', 100, false), 'Hello big world');
  assert.equal(excerpt('<p>Hello <b>big</b> world</p>', 7, true), 'Hello b...');
  assert.equal(excerpt('<h1>A</h1><h2>B</h2>', 10, false), 'A B');
  assert.deepEqual(pickFields(record, parseFieldsParam('body:excerpt(5,true)'), false), { body: 'Hello...' });
});

test('bad modifiers are 400 errors', () => {
  for (const raw of ['a:nope(1)', 'a:excerpt()', 'a:excerpt(0)', 'a:excerpt(1,2,3)', 'x'.repeat(5000)]) {
    assert.throws(() => parseFieldsParam(raw), (err: unknown) => err instanceof AppError && err.code === 'bad_request', raw);
  }
});
