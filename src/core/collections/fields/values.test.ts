import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FieldType } from '../model.js';
import { isPlainPassword } from './password.js';
import { makeField } from './test-fields.js';
import { applyModifier, isMultiValue, prepareValue, supportsModifier, zeroValue, type WriteModifier } from './values.js';

describe('zeroValue and isMultiValue', () => {
  const cases: Array<[FieldType, Record<string, unknown>, unknown, boolean]> = [
    ['text', {}, '', false],
    ['number', {}, 0, false],
    ['bool', {}, false, false],
    ['email', {}, '', false],
    ['url', {}, '', false],
    ['editor', {}, '', false],
    ['date', {}, '', false],
    ['autodate', {}, '', false],
    ['select', { maxSelect: 1 }, '', false],
    ['select', { maxSelect: 2 }, [], true],
    ['relation', { maxSelect: 0 }, '', false],
    ['relation', { maxSelect: 99 }, [], true],
    ['file', { maxSelect: 1 }, '', false],
    ['file', { maxSelect: 5 }, [], true],
    ['json', {}, null, false],
    ['geoPoint', {}, { lon: 0, lat: 0 }, false],
    ['password', {}, '', false],
  ];
  for (const [type, options, zero, multi] of cases) {
    test(`${type} ${JSON.stringify(options)}`, () => {
      const field = makeField(type, options);
      assert.deepEqual(zeroValue(field), zero);
      assert.equal(isMultiValue(field), multi);
    });
  }
});

describe('prepareValue', () => {
  const cases: Array<[FieldType, Record<string, unknown>, unknown, unknown]> = [
    // text-like: Go's cast.ToString
    ['text', {}, 'abc', 'abc'],
    ['text', {}, 12.5, '12.5'],
    ['text', {}, 1e21, '1000000000000000000000'],
    ['text', {}, true, 'true'],
    ['text', {}, null, ''],
    ['text', {}, { a: 1 }, ''],
    ['text', {}, ['a'], ''],
    ['email', {}, ' a@b.c ', ' a@b.c '],
    ['editor', {}, 5, '5'],
    // number: cast.ToFloat64
    ['number', {}, '12', 12],
    ['number', {}, '-1.5e2', -150],
    ['number', {}, '', 0],
    ['number', {}, 'abc', 0],
    ['number', {}, ' 12', 0],
    ['number', {}, true, 1],
    ['number', {}, null, 0],
    ['number', {}, [1], 0],
    ['number', {}, 'Inf', Infinity],
    ['number', {}, '1e400', 0],
    // bool: cast.ToBool
    ['bool', {}, 'true', true],
    ['bool', {}, '1', true],
    ['bool', {}, 'T', true],
    ['bool', {}, 'yes', false],
    ['bool', {}, 'false', false],
    ['bool', {}, 2, true],
    ['bool', {}, 0, false],
    ['bool', {}, null, false],
    // dates are reformatted; unreadable dates become ''
    ['date', {}, '2024-01-02 03:04:05.678Z', '2024-01-02 03:04:05.678Z'],
    ['date', {}, '2024-01-02T03:04:05Z', '2024-01-02 03:04:05.000Z'],
    ['date', {}, '2024-01-02T05:04:05+02:00', '2024-01-02 03:04:05.000Z'],
    ['date', {}, '2024-01-02', '2024-01-02 00:00:00.000Z'],
    ['date', {}, 'tomorrow', ''],
    ['date', {}, 1700000000, ''],
    ['date', {}, new Date(Date.UTC(2020, 0, 1)), '2020-01-01 00:00:00.000Z'],
    ['autodate', {}, '2024-01-02 03:04:05Z', '2024-01-02 03:04:05.000Z'],
    // select / relation: unique non-empty strings; single keeps the last one
    ['select', { maxSelect: 3 }, ['a', 'b', 'a', ''], ['a', 'b']],
    ['select', { maxSelect: 3 }, 'a', ['a']],
    ['select', { maxSelect: 3 }, '["a","b"]', ['a', 'b']],
    ['select', { maxSelect: 3 }, '[broken', ['[broken']],
    ['select', { maxSelect: 3 }, '["a",1]', ['a', '["a",1]']],
    ['select', { maxSelect: 3 }, [1, true, null, { x: 1 }], ['1', 'true']],
    ['select', { maxSelect: 3 }, null, []],
    ['select', { maxSelect: 1 }, ['a', 'b'], 'b'],
    ['select', { maxSelect: 1 }, [], ''],
    ['relation', { maxSelect: 1 }, 'abc', 'abc'],
    ['relation', { maxSelect: 5 }, ['x', 'y', 'x'], ['x', 'y']],
    // file: names, unique
    ['file', { maxSelect: 5 }, ['a.txt', 'a.txt', 'b.txt'], ['a.txt', 'b.txt']],
    ['file', { maxSelect: 1 }, ['a.txt', 'b.txt'], 'b.txt'],
    ['file', { maxSelect: 5 }, 'a.txt', ['a.txt']],
    // json: JSON-looking text is parsed, other text is a string
    ['json', {}, '[1,2]', [1, 2]],
    ['json', {}, '{"a":1}', { a: 1 }],
    ['json', {}, '12', 12],
    ['json', {}, '"x"', 'x'],
    ['json', {}, 'null', null],
    ['json', {}, 'true', true],
    ['json', {}, 'hello', 'hello'],
    ['json', {}, '[broken', '[broken'],
    ['json', {}, '', ''],
    ['json', {}, { a: [1, { b: null }] }, { a: [1, { b: null }] }],
    ['json', {}, null, null],
    ['json', {}, undefined, null],
    // geoPoint
    ['geoPoint', {}, { lon: 1.5, lat: -2 }, { lon: 1.5, lat: -2 }],
    ['geoPoint', {}, '{"lat":3,"lon":4}', { lon: 4, lat: 3 }],
    ['geoPoint', {}, { LON: 5, Lat: 6 }, { lon: 5, lat: 6 }],
    ['geoPoint', {}, { lon: '5', lat: 6 }, { lon: 0, lat: 6 }],
    ['geoPoint', {}, 'garbage', { lon: 0, lat: 0 }],
    ['geoPoint', {}, [1, 2], { lon: 0, lat: 0 }],
    ['geoPoint', {}, null, { lon: 0, lat: 0 }],
  ];
  for (const [type, options, raw, expected] of cases) {
    test(`${type} ${JSON.stringify(options)} ${String(JSON.stringify(raw))}`, () => {
      assert.deepEqual(prepareValue(makeField(type, options), raw), expected);
    });
  }

  test('file uploads are kept next to names, unique by name', () => {
    const upload = { name: 'new_abc.png', size: 10 };
    const field = makeField('file', { maxSelect: 5 });
    assert.deepEqual(prepareValue(field, ['old.txt', upload, { name: 'old.txt' }]), ['old.txt', upload]);
  });

  test('password input becomes a plain password that never serialises', () => {
    const value = prepareValue(makeField('password'), 'secret123');
    assert.ok(isPlainPassword(value));
    assert.equal(value.plain, 'secret123');
    assert.equal(JSON.stringify({ value }), '{"value":""}');
  });
});

describe('applyModifier', () => {
  const cases: Array<[FieldType, Record<string, unknown>, unknown, WriteModifier, unknown, unknown]> = [
    ['number', {}, 10, 'append', '5', 15],
    ['number', {}, 10, 'remove', 2.5, 7.5],
    ['number', {}, 10, 'prepend', 2, 10],
    ['number', {}, 'x', 'append', 1, 1],
    ['select', { maxSelect: 5 }, ['a'], 'append', ['b', 'a'], ['a', 'b']],
    ['select', { maxSelect: 5 }, ['a'], 'prepend', 'c', ['c', 'a']],
    ['select', { maxSelect: 5 }, ['a', 'b', 'c'], 'remove', ['a', 'c'], ['b']],
    ['select', { maxSelect: 1 }, 'a', 'append', 'b', 'b'],
    ['select', { maxSelect: 1 }, 'a', 'prepend', 'b', 'a'],
    ['select', { maxSelect: 1 }, 'a', 'remove', 'a', ''],
    ['relation', { maxSelect: 9 }, '["r1","r2"]', 'append', 'r3', ['r1', 'r2', 'r3']],
    ['relation', { maxSelect: 9 }, [], 'remove', 'r1', []],
    ['file', { maxSelect: 9 }, ['a.txt', 'b.txt'], 'remove', 'a.txt', ['b.txt']],
    ['file', { maxSelect: 9 }, ['a.txt'], 'prepend', ['b.txt', 'a.txt'], ['b.txt', 'a.txt']],
    ['file', { maxSelect: 1 }, 'a.txt', 'append', 'b.txt', 'b.txt'],
    ['text', {}, 'x', 'append', 'y', 'x'],
  ];
  for (const [type, options, current, modifier, raw, expected] of cases) {
    test(`${type} ${JSON.stringify(current)} ${modifier} ${JSON.stringify(raw)}`, () => {
      assert.deepEqual(applyModifier(makeField(type, options), current, modifier, raw), expected);
    });
  }

  test('supportsModifier says which write keys exist', () => {
    assert.equal(supportsModifier(makeField('number'), 'append'), true);
    assert.equal(supportsModifier(makeField('number'), 'prepend'), false);
    assert.equal(supportsModifier(makeField('select'), 'prepend'), true);
    assert.equal(supportsModifier(makeField('text'), 'append'), false);
    assert.equal(supportsModifier(makeField('json'), 'remove'), false);
  });
});
