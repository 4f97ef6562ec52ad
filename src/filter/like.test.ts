import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endsWithLoneEscape, hasUnescaped, likePattern } from './like.js';

test('likePattern wraps and escapes like PocketBase', () => {
  const cases: Array<[string, string]> = [
    ['abc', '%abc%'],
    ['ab%c', 'ab%c'],
    ['ab\\%c', '%ab\\%c%'],
    ['%ab\\%c', '%ab\\%c'],
    ['ab\\\\%c', 'ab\\\\%c'],
    ['ab\\\\\\%c', '%ab\\\\\\%c%'],
    ['ab_c', '%ab\\_c%'],
    ['ab\\_c', '%ab\\_c%'],
    ['%ab_c', '%ab_c'],
    ['ab\\c', '%ab\\\\c%'],
    ['_ab\\c_', '%\\_ab\\\\c\\_%'],
    ['ab\\c%', 'ab\\c%'],
    ['a\nb\\', '%a\nb\\\\%'],
    ['', '%%'],
  ];
  for (const [input, expected] of cases) assert.equal(likePattern(input), expected, JSON.stringify(input));
});

test('hasUnescaped treats a doubled backslash as a literal backslash', () => {
  assert.equal(hasUnescaped('a%', '%'), true);
  assert.equal(hasUnescaped('a\\%', '%'), false);
  assert.equal(hasUnescaped('a\\\\%', '%'), true);
  assert.equal(hasUnescaped('abc', '%'), false);
});

test('endsWithLoneEscape counts trailing backslashes', () => {
  assert.equal(endsWithLoneEscape('abc\\'), true);
  assert.equal(endsWithLoneEscape('abc\\\\'), false);
  assert.equal(endsWithLoneEscape('abc\\\\\\'), true);
  assert.equal(endsWithLoneEscape('abc'), false);
  assert.equal(endsWithLoneEscape(''), false);
});
