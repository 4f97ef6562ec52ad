import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FieldError } from '../../errors/index.js';
import type { FieldType } from '../model.js';
import { PlainPassword } from './password.js';
import { makeField } from './test-fields.js';
import { databaseChecks } from './database-checks.js';
import { validateValue, type ValueContext } from './validate-value.js';

type Case = [
  title: string,
  type: FieldType,
  options: Record<string, unknown>,
  value: unknown,
  expected: FieldError | null,
  ctx?: ValueContext,
];

const NEW: ValueContext = { isNew: true };
const E = (code: string, message: string, params?: Record<string, unknown>): FieldError =>
  params ? { code, message, params } : { code, message };
const REQUIRED = E('validation_required', 'Cannot be blank.');
const UNSUPPORTED = E('validation_unsupported_value_type', 'Invalid or unsupported value type.');

const cases: Case[] = [
  // text
  ['text: empty is fine', 'text', {}, '', null],
  ['text: required', 'text', { required: true }, '', REQUIRED],
  ['text: wrong type', 'text', {}, 5, UNSUPPORTED],
  ['text: min', 'text', { min: 3 }, 'ab', E('validation_min_text_constraint', 'Must be at least 3 character(s).', { min: 3 })],
  ['text: min counts characters', 'text', { min: 3 }, 'ąčę', null],
  ['text: max', 'text', { max: 2 }, 'abc', E('validation_max_text_constraint', 'Must be no more than 2 character(s).', { max: 2 })],
  ['text: default max 5000', 'text', {}, 'x'.repeat(5001), E('validation_max_text_constraint', 'Must be no more than 5000 character(s).', { max: 5000 })],
  ['text: pattern', 'text', { pattern: '^\\d+$' }, '12a', E('validation_invalid_format', 'Invalid value format.')],
  ['text: pattern ok', 'text', { pattern: '^[\\w][\\w\\.\\-]*$' }, 'john.doe-1', null],
  ['text: pk forbidden char', 'text', { primaryKey: true, required: true, pattern: '^.+$' }, 'a b', E('validation_forbidden_pk_character', "' ' is not a valid primary key character.", { ch: ' ' })],
  ['text: pk reserved', 'text', { primaryKey: true, required: true, pattern: '^.+$' }, 'com1', E('validation_reserved_pk', "The primary key 'COM1' is reserved and cannot be used.", { reserved: 'COM1' })],
  ['text: pk with default pattern skips name checks', 'text', { primaryKey: true, required: true, pattern: '^[a-z0-9]+$' }, 'con', null],
  ['text: pk change', 'text', { primaryKey: true, required: true, pattern: '^[a-z0-9]+$' }, 'abc', E('validation_pk_change', 'The record primary key cannot be changed.'), { isNew: false, original: 'xyz' }],
  ['text: stored pk is not re-validated', 'text', { primaryKey: true, required: true, pattern: '^[a-z]+$', min: 5 }, 'ab1', null, { isNew: false, original: 'ab1' }],
  // number
  ['number: zero is fine', 'number', { min: 5 }, 0, null],
  ['number: required', 'number', { required: true }, 0, REQUIRED],
  ['number: NaN', 'number', {}, NaN, E('validation_not_a_number', 'The submitted number is not properly formatted.')],
  ['number: Infinity', 'number', {}, Infinity, E('validation_not_a_number', 'The submitted number is not properly formatted.')],
  ['number: onlyInt', 'number', { onlyInt: true }, 1.5, E('validation_only_int_constraint', 'Decimal numbers are not allowed.')],
  ['number: min', 'number', { min: 2.5 }, 1, E('validation_min_number_constraint', 'Must be greater or equal than 2.5.', { min: 2.5 })],
  ['number: max', 'number', { max: 1000000 }, 2000000, E('validation_max_number_constraint', 'Must be less or equal than 1e+06.', { max: 1000000 })],
  ['number: wrong type', 'number', {}, '5', UNSUPPORTED],
  // bool
  ['bool: required false', 'bool', { required: true }, false, REQUIRED],
  ['bool: required true', 'bool', { required: true }, true, null],
  ['bool: wrong type', 'bool', {}, 1, UNSUPPORTED],
  // email
  ['email: ok', 'email', {}, 'test@example.com', null],
  ['email: invalid', 'email', {}, 'invalid', E('validation_is_email', 'Must be a valid email address.')],
  ['email: required', 'email', { required: true }, '', REQUIRED],
  ['email: onlyDomains', 'email', { onlyDomains: ['example.org'] }, 'a@example.com', E('validation_email_domain_not_allowed', 'Email domain is not allowed.')],
  ['email: exceptDomains', 'email', { exceptDomains: ['example.com'] }, 'a@example.com', E('validation_email_domain_not_allowed', 'Email domain is not allowed.')],
  ['email: allowed domain', 'email', { onlyDomains: ['example.com'] }, 'a@example.com', null],
  // url
  ['url: ok', 'url', {}, 'https://example.com/a?b=c', null],
  ['url: invalid', 'url', {}, 'not a url', E('validation_invalid_url', 'Must be a valid url.')],
  ['url: onlyDomains', 'url', { onlyDomains: ['example.org'] }, 'https://example.com', E('validation_url_domain_not_allowed', 'Url domain is not allowed.')],
  ['url: onlyDomains without scheme has no host', 'url', { onlyDomains: ['example.com'] }, 'example.com', E('validation_url_domain_not_allowed', 'Url domain is not allowed.')],
  ['url: exceptDomains', 'url', { exceptDomains: ['example.com'] }, 'http://example.com', E('validation_url_domain_not_allowed', 'Url domain is not allowed.')],
  // editor
  ['editor: size', 'editor', { maxSize: 3 }, 'ąč', E('validation_content_size_limit', 'The maximum allowed content size is 3 bytes.', { maxSize: 3 })],
  ['editor: required', 'editor', { required: true }, '', REQUIRED],
  // date
  ['date: required', 'date', { required: true }, '', REQUIRED],
  ['date: min', 'date', { min: '2024-01-01 00:00:00.000Z' }, '2023-12-31 23:59:59.999Z', E('validation_min_greater_equal_than_required', 'Must be no less than 2024-01-01 00:00:00 +0000 UTC.', { threshold: '2024-01-01T00:00:00Z' })],
  ['date: min boundary', 'date', { min: '2024-01-01 00:00:00.000Z' }, '2024-01-01 00:00:00.000Z', null],
  ['date: max', 'date', { max: '2024-01-01 10:00:00.500Z' }, '2024-02-01 00:00:00.000Z', E('validation_max_less_equal_than_required', 'Must be no greater than 2024-01-01 10:00:00.5 +0000 UTC.', { threshold: '2024-01-01T10:00:00.5Z' })],
  ['date: wrong type', 'date', {}, 5, UNSUPPORTED],
  ['autodate: anything', 'autodate', {}, 'whatever', null],
  // select
  ['select: required', 'select', { values: ['a'], required: true }, [], REQUIRED],
  ['select: invalid value', 'select', { values: ['a', 'b'], maxSelect: 2 }, ['a', 'c'], E('validation_invalid_value', 'Invalid value c.', { value: 'c' })],
  ['select: too many', 'select', { values: ['a', 'b', 'c'], maxSelect: 2 }, ['a', 'b', 'c'], E('validation_too_many_values', 'Select no more than 2.', { maxSelect: 2 })],
  ['select: single', 'select', { values: ['a', 'b'], maxSelect: 1 }, 'b', null],
  // relation
  ['relation: required', 'relation', { collectionId: 'c1', required: true }, '', REQUIRED],
  ['relation: minSelect', 'relation', { collectionId: 'c1', minSelect: 2, maxSelect: 5 }, ['a'], E('validation_not_enough_values', 'Select at least 2.', { minSelect: 2 })],
  ['relation: too many', 'relation', { collectionId: 'c1', maxSelect: 2 }, ['a', 'b', 'c'], E('validation_too_many_values', 'Select no more than 2.', { maxSelect: 2 })],
  ['relation: single with two ids', 'relation', { collectionId: 'c1', maxSelect: 1 }, ['a', 'b'], E('validation_too_many_values', 'Select no more than 1.', { maxSelect: 1 })],
  // file
  ['file: required', 'file', { required: true }, '', REQUIRED],
  ['file: invented names', 'file', { maxSelect: 5 }, ['a.txt', 'b.txt', 'c.txt'], E('validation_invalid_file', 'Invalid new files: [b.txt c.txt].', { invalidFiles: ['b.txt', 'c.txt'] }), { isNew: false, original: ['a.txt'] }],
  ['file: names on a new record are invented', 'file', {}, 'a.txt', E('validation_invalid_file', 'Invalid new files: [a.txt].', { invalidFiles: ['a.txt'] })],
  ['file: update without the stored value skips the name check', 'file', {}, 'a.txt', null, { isNew: false }],
  ['text: update without the stored id skips the change check', 'text', { primaryKey: true, required: true, pattern: '^[a-z0-9]+$' }, 'abc', null, { isNew: false }],
  ['file: kept names', 'file', { maxSelect: 5 }, ['a.txt'], null, { isNew: false, original: '["a.txt","b.txt"]' }],
  ['file: too many', 'file', { maxSelect: 2 }, ['a', 'b', 'c'], E('validation_too_many_files', 'The maximum allowed files is 2.', { maxSelect: 2 }), { isNew: false, original: ['a', 'b', 'c'] }],
  ['file: upload name', 'file', { maxSelect: 2 }, [{ name: '.hidden' }], E('validation_match_invalid', 'Must be in a valid format.')],
  ['file: upload size', 'file', { maxSize: 10 }, { name: 'a_x.txt', originalName: 'a.txt', size: 11 }, E('validation_file_size_limit', 'Failed to upload a.txt - the maximum allowed file size is 10 bytes.', { file: 'a.txt', maxSize: 10 })],
  // json
  ['json: null is fine', 'json', {}, null, null],
  ['json: required null', 'json', { required: true }, null, REQUIRED],
  ['json: required empty array', 'json', { required: true }, [], REQUIRED],
  ['json: required empty object', 'json', { required: true }, {}, REQUIRED],
  ['json: required empty string', 'json', { required: true }, '', REQUIRED],
  ['json: required zero is set', 'json', { required: true }, 0, null],
  ['json: size', 'json', { maxSize: 5 }, [1, 2, 3], E('validation_json_size_limit', 'The maximum allowed JSON size is 5 bytes.', { maxSize: 5 })],
  ['json: not representable', 'json', {}, () => 1, E('validation_invalid_json', 'Must be a valid json value.')],
  // geoPoint
  ['geoPoint: zero fine', 'geoPoint', {}, { lon: 0, lat: 0 }, null],
  ['geoPoint: required', 'geoPoint', { required: true }, { lon: 0, lat: 0 }, REQUIRED],
  ['geoPoint: latitude', 'geoPoint', {}, { lon: 0, lat: 91 }, E('validation_invalid_latitude', 'Latitude must be between -90 and 90 degrees.')],
  ['geoPoint: longitude', 'geoPoint', {}, { lon: -181, lat: 0 }, E('validation_invalid_longitude', 'Longitude must be between -180 and 180 degrees.')],
  ['geoPoint: wrong type', 'geoPoint', {}, '1,2', UNSUPPORTED],
  // password (the value is the plain text being set)
  ['password: required without hash', 'password', { required: true }, '', REQUIRED],
  ['password: required with stored hash', 'password', { required: true }, '', null, { isNew: false, hasHash: true }],
  ['password: min', 'password', { min: 8 }, 'short', E('validation_min_text_constraint', 'Must be at least 8 character(s).')],
  ['password: default max 71', 'password', {}, 'x'.repeat(72), E('validation_max_text_constraint', 'Must be less than 71 character(s).')],
  ['password: max', 'password', { max: 10 }, new PlainPassword('x'.repeat(11)), E('validation_max_text_constraint', 'Must be less than 10 character(s).')],
  ['password: bcrypt byte limit', 'password', {}, 'ą'.repeat(40), E('validation_invalid_value', 'Invalid value.')],
  ['password: pattern', 'password', { pattern: '\\d' }, 'abcdefgh', E('validation_invalid_format', 'Invalid value format.')],
  ['password: ok', 'password', { min: 8 }, new PlainPassword('1234567890'), null],
];

describe('validateValue', () => {
  for (const [title, type, options, value, expected, ctx] of cases) {
    test(title, () => {
      assert.deepEqual(validateValue(makeField(type, options), value, ctx ?? NEW), expected);
    });
  }
});

describe('databaseChecks', () => {
  test('a relation value needs its records to exist', () => {
    const field = makeField('relation', { collectionId: 'pbc_1', maxSelect: 5 });
    const [check, ...rest] = databaseChecks(field, ['a', 'b'], NEW);
    assert.equal(rest.length, 0);
    assert.ok(check && check.kind === 'relationsExist');
    assert.deepEqual(check.ids, ['a', 'b']);
    assert.equal(check.collectionId, 'pbc_1');
    assert.equal(check.missingRecordsError.code, 'validation_missing_rel_records');
    assert.equal(check.missingRecordsError.message, 'Failed to find all relation records with the provided ids.');
    assert.equal(check.missingCollectionError.code, 'validation_missing_rel_collection');
  });

  test('an empty relation needs nothing', () => {
    assert.deepEqual(databaseChecks(makeField('relation', { collectionId: 'x' }), '', NEW), []);
  });

  test('a new custom primary key must be free', () => {
    const field = makeField('text', { name: 'id', primaryKey: true, required: true, pattern: '^[A-Za-z0-9]+$' });
    assert.deepEqual(databaseChecks(field, 'Abc', NEW), [
      {
        kind: 'primaryKeyAvailable',
        id: 'Abc',
        error: { code: 'validation_pk_invalid', message: 'The record primary key is invalid or already exists.' },
      },
    ]);
    assert.deepEqual(databaseChecks(field, 'Abc', { isNew: false, original: 'Abc' }), []);
  });

  test('the default id pattern needs no lookup', () => {
    const field = makeField('text', { name: 'id', primaryKey: true, required: true, pattern: '^[a-z0-9]+$' });
    assert.deepEqual(databaseChecks(field, 'abc', NEW), []);
  });
});
