import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatGoFloatF, formatGoFloatV, goParseFloat, goTimeString, toUniqueStringSlice } from './go-cast.js';
import { compileGoPattern, matchesGoPattern } from './go-regexp.js';
import { autodateValue, autogenerate, newFieldId } from './index.js';
import { sentenize } from './messages.js';
import { hashPassword, verifyPassword } from './password.js';
import { PatternError, randomStringFromPattern } from './random-by-pattern.js';
import { makeField } from './test-fields.js';

describe('Go-compatible formatting and parsing', () => {
  test('%v floats', () => {
    assert.deepEqual(
      [5, 0.5, 2.5, 123456, 1000000, 1234567.5, 0.0001, 0.00001, -3e21].map(formatGoFloatV),
      ['5', '0.5', '2.5', '123456', '1e+06', '1.2345675e+06', '0.0001', '1e-05', '-3e+21'],
    );
  });
  test("'f' floats", () => {
    assert.deepEqual([1e21, 1.5e-7, -2, 0.1].map(formatGoFloatF), ['1000000000000000000000', '0.00000015', '-2', '0.1']);
  });
  test('ParseFloat', () => {
    assert.deepEqual(['1', '-1.5', '.5', '1e3', '+2', 'inf', '-Infinity', '1e400', '0x10', '1_000', ' 1', ''].map(goParseFloat), [
      1,
      -1.5,
      0.5,
      1000,
      2,
      Infinity,
      -Infinity,
      null,
      null,
      null,
      null,
      null,
    ]);
  });
  test('time.String()', () => {
    assert.equal(goTimeString(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 120))), '2024-01-02 03:04:05.12 +0000 UTC');
  });
  test('unique string slices', () => {
    assert.deepEqual(toUniqueStringSlice('["a","a",""]'), ['a']);
    assert.deepEqual(toUniqueStringSlice(5), ['5']);
    assert.deepEqual(toUniqueStringSlice({}), []);
  });
  test('sentenize', () => {
    assert.deepEqual(['cannot be blank', 'Done.', 'why?', '  x  ', ''].map(sentenize), ['Cannot be blank.', 'Done.', 'Why?', 'X.', '']);
  });
});

describe('Go patterns', () => {
  test('RE2 spellings are translated', () => {
    assert.equal(matchesGoPattern('(?i)^abc$', 'ABC'), true);
    assert.equal(matchesGoPattern('^(?P<x>\\d+)\\z', '123'), true);
    assert.equal(matchesGoPattern('^[[:alpha:]]+$', 'abc'), true);
    assert.equal(matchesGoPattern('^\\pL+$', 'ąb'), true);
    assert.equal(matchesGoPattern('^[\\w][\\w\\.\\-]*$', 'a.b-c'), true);
    assert.equal(matchesGoPattern('b', 'abc'), true); // unanchored, as Go's MatchString
  });
  test('what RE2 refuses is refused', () => {
    for (const pattern of ['(?=a)', '(?!a)', '(?<=a)b', '(a)\\1', '[a-', '(']) {
      assert.equal(compileGoPattern(pattern).ok, false, pattern);
    }
  });
});

describe('randomStringFromPattern', () => {
  test('the patterns PocketBase uses', () => {
    for (let i = 0; i < 20; i++) {
      assert.match(randomStringFromPattern('[a-z0-9]{15}'), /^[a-z0-9]{15}$/);
      assert.match(randomStringFromPattern('users[0-9]{5}'), /^users[0-9]{5}$/);
      assert.match(randomStringFromPattern('[a-zA-Z0-9_]{50}'), /^\w{50}$/);
    }
  });

  test('groups, alternation, classes and repeats', () => {
    for (let i = 0; i < 50; i++) {
      assert.match(randomStringFromPattern('(ab|cd)x?[^a-z]{2}\\d+.{0,3}'), /^(ab|cd)x?[^a-z]{2}\d{1,6}[A-Za-z0-9]{0,2}$/);
    }
  });

  test('a bounded repeat picks in [min, max)', () => {
    const counts = new Set<number>();
    let next = 0;
    const random = (max: number) => next++ % max;
    for (let i = 0; i < 10; i++) counts.add(randomStringFromPattern('a{2,5}', random).length);
    assert.deepEqual([...counts].sort(), [2, 3, 4]);
  });

  test('zero-width and malformed patterns are refused', () => {
    assert.throws(() => randomStringFromPattern('^a'), (e: unknown) => e instanceof PatternError && e.message === 'unsupported pattern operator 9');
    assert.throws(() => randomStringFromPattern('a$'), /unsupported pattern operator 10/);
    assert.throws(() => randomStringFromPattern('\\ba'), /unsupported pattern operator 11/);
    assert.throws(() => randomStringFromPattern('[a-'), PatternError);
    assert.throws(() => randomStringFromPattern('(a'), PatternError);
    assert.throws(() => randomStringFromPattern('*a'), PatternError);
  });
});

describe('field helpers', () => {
  test('newFieldId is the type and the CRC-32 of the name', () => {
    assert.equal(newFieldId('geoPoint', 'point'), 'geoPoint3081106212');
    assert.equal(newFieldId('geoPoint', 'point', ['geoPoint3081106212']), 'geoPoint30811062122');
    assert.equal(newFieldId('geoPoint', 'point', ['geoPoint3081106212', 'geoPoint30811062122']), 'geoPoint30811062123');
  });

  test('autogenerate appends to the prefix', () => {
    const field = makeField('text', { autogeneratePattern: '[0-9]{4}' });
    assert.match(autogenerate(field), /^\d{4}$/);
    assert.match(autogenerate(field, 'abc-'), /^abc-\d{4}$/);
    assert.equal(autogenerate(makeField('text'), 'abc'), 'abc');
    assert.equal(autogenerate(makeField('number')), '');
  });

  test('autodateValue follows onCreate/onUpdate', () => {
    const now = new Date(Date.UTC(2025, 4, 6, 7, 8, 9, 10));
    const created = makeField('autodate', { onCreate: true });
    const updated = makeField('autodate', { onCreate: true, onUpdate: true });
    assert.equal(autodateValue(created, true, now), '2025-05-06 07:08:09.010Z');
    assert.equal(autodateValue(created, false, now), undefined);
    assert.equal(autodateValue(updated, false, now), '2025-05-06 07:08:09.010Z');
  });
});

describe('passwords', () => {
  test('hashes verify, in PocketBase form', async () => {
    const field = makeField('password', { cost: 4 });
    const hash = await hashPassword(field, 'p@ssw0rd!');
    assert.match(hash, /^\$2a\$04\$.{53}$/);
    assert.equal(await verifyPassword(hash, 'p@ssw0rd!'), true);
    assert.equal(await verifyPassword(hash, 'p@ssw0rd'), false);
    assert.equal(await hashPassword(field, ''), '');
  });

  test('a hash written by PocketBase verifies', async () => {
    // users.test@example.com in the compatibility fixture (cost 13).
    const hash = '$2a$13$uULN32dHTkWQIALJP1N54.22HW/K9/qkXqcmsfz2hOA1wGeuUDbfG';
    assert.equal(await verifyPassword(hash, '1234567890'), true);
  });

  test('anything that is not a bcrypt hash never verifies', async () => {
    assert.equal(await verifyPassword('', ''), false);
    assert.equal(await verifyPassword('plain', 'plain'), false);
    assert.equal(await verifyPassword('$2a$10$broken', 'x'), false);
  });
});
