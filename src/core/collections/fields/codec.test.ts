import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DialectName } from '../../../db/types.js';
import type { FieldType } from '../model.js';
import { decodeValue, encodeValue } from './codec.js';
import { PlainPassword, verifyPassword } from './password.js';
import { makeField } from './test-fields.js';

type RoundTrip = [type: FieldType, options: Record<string, unknown>, value: unknown, sqlite: unknown, postgres: unknown];

// value → encoded per dialect → decoded back to the same value.
const roundTrips: RoundTrip[] = [
  ['text', {}, 'hello', 'hello', 'hello'],
  ['text', {}, '', '', ''],
  ['email', {}, 'a@b.co', 'a@b.co', 'a@b.co'],
  ['url', {}, 'https://x.io', 'https://x.io', 'https://x.io'],
  ['editor', {}, '<p>hi</p>', '<p>hi</p>', '<p>hi</p>'],
  ['number', {}, 12.5, 12.5, 12.5],
  ['number', {}, -3, -3, -3],
  ['number', {}, 0, 0, 0],
  ['bool', {}, true, 1, true],
  ['bool', {}, false, 0, false],
  ['date', {}, '2024-01-02 03:04:05.678Z', '2024-01-02 03:04:05.678Z', '2024-01-02 03:04:05.678Z'],
  ['date', {}, '', '', ''],
  ['autodate', {}, '2024-01-02 03:04:05.000Z', '2024-01-02 03:04:05.000Z', '2024-01-02 03:04:05.000Z'],
  ['select', { maxSelect: 1 }, 'a', 'a', 'a'],
  ['select', { maxSelect: 3 }, ['a', 'b'], '["a","b"]', '["a","b"]'],
  ['select', { maxSelect: 3 }, [], '[]', '[]'],
  ['relation', { maxSelect: 1 }, 'r1', 'r1', 'r1'],
  ['relation', { maxSelect: 9 }, ['r1', 'r2'], '["r1","r2"]', '["r1","r2"]'],
  ['file', { maxSelect: 1 }, 'a.png', 'a.png', 'a.png'],
  ['file', { maxSelect: 9 }, ['a.png', 'b.png'], '["a.png","b.png"]', '["a.png","b.png"]'],
  ['json', {}, { a: [1, 'x', null] }, '{"a":[1,"x",null]}', '{"a":[1,"x",null]}'],
  ['json', {}, 'text', '"text"', '"text"'],
  ['json', {}, 5, '5', '5'],
  ['json', {}, null, null, null],
  ['geoPoint', {}, { lon: 23.3, lat: 42.6 }, '{"lon":23.3,"lat":42.6}', '{"lon":23.3,"lat":42.6}'],
  ['password', {}, '$2a$10$abcdefghijklmnopqrstuu', '$2a$10$abcdefghijklmnopqrstuu', '$2a$10$abcdefghijklmnopqrstuu'],
];

describe('encodeValue / decodeValue round trip', () => {
  for (const [type, options, value, sqlite, postgres] of roundTrips) {
    for (const [dialect, encoded] of [
      ['sqlite', sqlite],
      ['postgres', postgres],
    ] as Array<[DialectName, unknown]>) {
      test(`${type} ${JSON.stringify(options)} ${JSON.stringify(value)} on ${dialect}`, () => {
        const field = makeField(type, options);
        assert.deepEqual(encodeValue(field, value, dialect), encoded);
        assert.deepEqual(decodeValue(field, encoded), value);
      });
    }
  }
});

describe('encodeValue normalises loose values like PocketBase writes them', () => {
  test('a multi-value field given one string stores a JSON array', () => {
    assert.equal(encodeValue(makeField('relation', { maxSelect: 5 }), 'abc', 'sqlite'), '["abc"]');
  });
  test('a single-value field given a list stores the last item', () => {
    assert.equal(encodeValue(makeField('select', { maxSelect: 1 }), ['a', 'b'], 'postgres'), 'b');
  });
  test('non-finite numbers are never bound', () => {
    assert.equal(encodeValue(makeField('number'), NaN, 'sqlite'), 0);
  });
  test('pending uploads are stored by name', () => {
    assert.equal(encodeValue(makeField('file', { maxSelect: 3 }), ['a.txt', { name: 'b_1.txt' }], 'sqlite'), '["a.txt","b_1.txt"]');
  });
  test('a plain password is hashed at the field cost', async () => {
    const hash = encodeValue(makeField('password', { cost: 4 }), new PlainPassword('secret-1'), 'sqlite');
    assert.equal(typeof hash, 'string');
    assert.match(hash as string, /^\$2a\$04\$/);
    assert.equal(await verifyPassword(hash as string, 'secret-1'), true);
  });
});

describe('decodeValue reads what the drivers and older PocketBase data hold', () => {
  const cases: Array<[FieldType, Record<string, unknown>, unknown, unknown]> = [
    ['number', {}, '', 0],
    ['number', {}, null, 0],
    ['number', {}, '12.5', 12.5],
    ['number', {}, 123456n, 123456],
    ['bool', {}, 1, true],
    ['bool', {}, 0, false],
    ['bool', {}, 2, false],
    ['bool', {}, 'true', true],
    ['bool', {}, null, false],
    ['text', {}, null, ''],
    ['text', {}, 42, '42'],
    ['text', {}, Buffer.from('bytes'), 'bytes'],
    ['relation', { maxSelect: 5 }, 'plainid', ['plainid']],
    ['relation', { maxSelect: 5 }, '', []],
    ['relation', { maxSelect: 5 }, null, []],
    ['relation', { maxSelect: 1 }, '["a","b"]', 'b'],
    ['select', { maxSelect: 3 }, '["b","c","a"]', ['b', 'c', 'a']],
    ['file', { maxSelect: 99 }, '["a.txt","b.png"]', ['a.txt', 'b.png']],
    ['json', {}, '[\n  1,\n  2,\n  3\n]', [1, 2, 3]],
    ['json', {}, 'null', null],
    ['json', {}, '', ''],
    ['json', {}, '{"a": 1, "b": [true]}', { a: 1, b: [true] }],
    ['geoPoint', {}, '{"lat": 42.654318, "lon": 23.333157}', { lon: 23.333157, lat: 42.654318 }],
    ['geoPoint', {}, '', { lon: 0, lat: 0 }],
    ['date', {}, '2022-10-01 12:00:00.000Z', '2022-10-01 12:00:00.000Z'],
    ['date', {}, null, ''],
    ['password', {}, '$2a$13$uULN32dHTkWQIALJP1N54.22HW/K9/qkXqcmsfz2hOA1wGeuUDbfG', '$2a$13$uULN32dHTkWQIALJP1N54.22HW/K9/qkXqcmsfz2hOA1wGeuUDbfG'],
  ];
  for (const [type, options, raw, expected] of cases) {
    test(`${type} ${JSON.stringify(options)} ${String(raw)}`, () => {
      assert.deepEqual(decodeValue(makeField(type, options), raw), expected);
    });
  }
});
