import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ErrorData } from '../../errors/index.js';
import type { Collection, Field, FieldType } from '../model.js';
import { validateFieldOptions, type FieldOptionsContext } from './options.js';
import { makeField } from './test-fields.js';

function collection(overrides: Partial<Collection> = {}): Collection {
  return {
    id: 'pbc_demo',
    name: 'demo',
    type: 'base',
    system: false,
    fields: [],
    indexes: [],
    listRule: null,
    viewRule: null,
    createRule: null,
    updateRule: null,
    deleteRule: null,
    created: '',
    updated: '',
    ...overrides,
  };
}

const posts = collection({ id: 'pbc_posts', name: 'posts' });
const stats = collection({ id: 'pbc_stats', name: 'stats', type: 'view' });
const stored = [posts, stats];

function ctxFor(field: Field, extra: Partial<FieldOptionsContext> = {}): FieldOptionsContext {
  return {
    collection: collection({ fields: [field] }),
    findCollection: (idOrName) => stored.find((c) => c.id === idOrName || c.name === idOrName),
    ...extra,
  };
}

const E = (code: string, message: string, params?: Record<string, unknown>) =>
  params ? { code, message, params } : { code, message };
const REQUIRED = E('validation_required', 'Cannot be blank.');

// A string `expected` names the option whose regex error is expected (its message comes from the parser).
type Case = [title: string, type: FieldType, options: Record<string, unknown>, expected: ErrorData | string | null];

const cases: Case[] = [
  // valid definitions
  ['text defaults', 'text', {}, null],
  ['number defaults', 'number', {}, null],
  ['bool defaults', 'bool', {}, null],
  ['email defaults', 'email', {}, null],
  ['url defaults', 'url', {}, null],
  ['editor defaults', 'editor', {}, null],
  ['date defaults', 'date', {}, null],
  ['autodate on create', 'autodate', { onCreate: true }, null],
  ['select with values', 'select', { values: ['a', 'b'], maxSelect: 2 }, null],
  ['relation to a stored collection', 'relation', { collectionId: 'pbc_posts', maxSelect: 1 }, null],
  ['file defaults', 'file', { thumbs: ['100x100', '0x50t'] }, null],
  ['json defaults', 'json', {}, null],
  ['geoPoint defaults', 'geoPoint', {}, null],
  ['password defaults', 'password', { min: 8, cost: 10 }, null],
  // id, name, help (every type)
  ['missing id', 'bool', { id: '' }, { id: REQUIRED }],
  ['long id', 'bool', { id: 'x'.repeat(101) }, { id: E('validation_length_out_of_range', 'The length must be between 1 and 100.', { min: 1, max: 100 }) }],
  ['missing name', 'bool', { name: '' }, { name: REQUIRED }],
  ['bad name', 'bool', { name: 'a-b' }, { name: E('validation_match_invalid', 'Must be in a valid format.') }],
  ['reserved name', 'bool', { name: 'expand' }, { name: E('validation_not_in_invalid', 'Must not be in list.') }],
  ['name with _via_', 'bool', { name: 'a_VIA_b' }, { name: E('validation_found_via', 'The value cannot contain "_via_".') }],
  ['long help', 'bool', { help: 'x'.repeat(301) }, { help: E('validation_length_out_of_range', 'The length must be between 1 and 300.', { min: 1, max: 300 }) }],
  // text
  ['text negative min', 'text', { min: -1 }, { min: E('validation_min_greater_equal_than_required', 'Must be no less than 0.', { threshold: 0 }) }],
  ['text max below min', 'text', { min: 5, max: 3 }, { max: E('validation_min_greater_equal_than_required', 'Must be no less than 5.', { threshold: 5 }) }],
  ['text max above safe int', 'text', { max: 2 ** 53 }, { max: E('validation_max_less_equal_than_required', 'Must be no greater than 9007199254740991.', { threshold: 9007199254740991 }) }],
  ['text bad pattern', 'text', { pattern: '[a-' }, 'pattern'],
  ['text look-ahead pattern', 'text', { pattern: '(?=a)' }, 'pattern'],
  [
    'text primary key rules',
    'text',
    { name: 'key', primaryKey: true, hidden: true, required: false, pattern: '' },
    {
      name: E('validation_in_invalid', 'The primary key must be named "id".'),
      pattern: REQUIRED,
      hidden: E('validation_empty', 'Must be blank.'),
      required: REQUIRED,
    },
  ],
  ['text autogenerate anchors', 'text', { autogeneratePattern: '^[a-z]{5}$' }, { autogeneratePattern: E('validation_invalid_autogenerate_pattern', 'Unsupported pattern operator 9.') }],
  ['text autogenerate too short', 'text', { autogeneratePattern: 'ab', min: 5 }, { autogeneratePattern: E('validation_invalid_autogenerate_pattern_value', 'The provided autogenerate pattern could produce invalid field values, ex.: "ab".') }],
  ['text autogenerate fits', 'text', { autogeneratePattern: '[a-z0-9]{15}', min: 15, max: 15, pattern: '^[a-z0-9]+$' }, null],
  // number
  ['number onlyInt bounds', 'number', { onlyInt: true, min: 1.5, max: 2.5 }, { min: E('validation_only_int_constraint', 'Decimal numbers are not allowed.'), max: E('validation_only_int_constraint', 'Decimal numbers are not allowed.') }],
  ['number max below min', 'number', { min: 10, max: 0 }, { max: E('validation_min_number_constraint', 'Must be greater or equal than 10.', { min: 10 }) }],
  // email / url
  ['email bad domain', 'email', { onlyDomains: ['example.com', 'not a domain'] }, { onlyDomains: { '1': E('validation_is_domain', 'Must be a valid domain.') } }],
  ['url both lists', 'url', { onlyDomains: ['a.com'], exceptDomains: ['b.com'] }, { onlyDomains: E('validation_empty', 'Must be blank.'), exceptDomains: E('validation_empty', 'Must be blank.') }],
  // sizes
  ['editor negative maxSize', 'editor', { maxSize: -1 }, { maxSize: E('validation_min_greater_equal_than_required', 'Must be no less than 0.', { threshold: 0 }) }],
  ['json negative maxSize', 'json', { maxSize: -5 }, { maxSize: E('validation_min_greater_equal_than_required', 'Must be no less than 0.', { threshold: 0 }) }],
  // date
  ['date min after max', 'date', { min: '2024-02-01 00:00:00.000Z', max: '2024-01-01 00:00:00.000Z' }, { max: E('validation_date_out_of_range', 'The date is out of range.') }],
  // autodate
  ['autodate neither', 'autodate', {}, { onCreate: E('validation_required', 'Either onCreate or onUpdate must be enabled.'), onUpdate: E('validation_required', 'Either onCreate or onUpdate must be enabled.') }],
  // select
  ['select without values', 'select', { values: [] }, { values: REQUIRED }],
  ['select maxSelect above values', 'select', { values: ['a', 'b'], maxSelect: 3 }, { maxSelect: E('validation_max_less_equal_than_required', 'Must be no greater than 2.', { threshold: 2 }) }],
  // relation
  ['relation without collection', 'relation', {}, { collectionId: REQUIRED }],
  ['relation to unknown collection', 'relation', { collectionId: 'nope' }, { collectionId: E('validation_field_relation_missing_collection', "The relation collection doesn't exist.") }],
  ['relation by name is not by id', 'relation', { collectionId: 'posts' }, { collectionId: E('validation_field_relation_missing_collection', "The relation collection doesn't exist.") }],
  ['relation to a view', 'relation', { collectionId: 'pbc_stats' }, { collectionId: E('validation_relation_field_non_view_base_collection', 'Only view collections are allowed to have relations to other views.') }],
  ['relation minSelect without maxSelect', 'relation', { collectionId: 'pbc_posts', minSelect: 2 }, { maxSelect: REQUIRED }],
  ['relation maxSelect below minSelect', 'relation', { collectionId: 'pbc_posts', minSelect: 3, maxSelect: 2 }, { maxSelect: E('validation_min_greater_equal_than_required', 'Must be no less than 3.', { threshold: 3 }) }],
  // file
  ['file thumbs', 'file', { thumbs: ['0x0', 'abc', '10x10f'] }, { thumbs: { '0': E('validation_not_in_invalid', 'Must not be in list.'), '1': E('validation_match_invalid', 'Must be in a valid format.') } }],
  ['file negative sizes', 'file', { maxSelect: -1, maxSize: -1 }, { maxSelect: E('validation_min_greater_equal_than_required', 'Must be no less than 0.', { threshold: 0 }), maxSize: E('validation_min_greater_equal_than_required', 'Must be no less than 0.', { threshold: 0 }) }],
  // password
  ['password bounds', 'password', { min: 80, max: 5, cost: 3 }, { min: E('validation_max_less_equal_than_required', 'Must be no greater than 71.', { threshold: 71 }), max: E('validation_min_greater_equal_than_required', 'Must be no less than 80.', { threshold: 80 }), cost: E('validation_min_greater_equal_than_required', 'Must be no less than 4.', { threshold: 4 }) }],
  ['password cost too high', 'password', { cost: 32 }, { cost: E('validation_max_less_equal_than_required', 'Must be no greater than 31.', { threshold: 31 }) }],
];

describe('validateFieldOptions', () => {
  for (const [title, type, options, expected] of cases) {
    test(title, () => {
      const field = makeField(type, options);
      const result = validateFieldOptions(field, ctxFor(field));
      if (typeof expected === 'string') {
        // Only the code is fixed for regex errors: the message carries the parser's text.
        const error = result?.[expected];
        assert.ok(error && 'code' in error && error.code === 'validation_invalid_regex', JSON.stringify(result));
        return;
      }
      assert.deepEqual(result, expected);
    });
  }

  test('a second primary key is refused', () => {
    const id = makeField('text', { name: 'id', primaryKey: true, required: true, pattern: '^[a-z]+$' });
    const other = makeField('text', { id: 'other', name: 'id', primaryKey: true, required: true, pattern: '^[a-z]+$' });
    const ctx = { ...ctxFor(id), collection: collection({ fields: [id, other] }) };
    assert.deepEqual(validateFieldOptions(id, ctx), {
      primaryKey: E('validation_unsupported_composite_pk', 'Composite PKs are not supported and the collection must have only 1 PK.'),
    });
  });

  test('a relation cannot change its collection', () => {
    const field = makeField('relation', { id: 'rel1', collectionId: 'pbc_posts' });
    const old = collection({ fields: [makeField('relation', { id: 'rel1', collectionId: 'pbc_other' })] });
    assert.deepEqual(validateFieldOptions(field, ctxFor(field, { oldCollection: old })), {
      collectionId: E('validation_field_relation_change', 'The relation collection cannot be changed.'),
    });
  });

  test('a view may relate to a view', () => {
    const field = makeField('relation', { collectionId: 'pbc_stats' });
    const ctx = { ...ctxFor(field), collection: collection({ type: 'view', fields: [field] }) };
    assert.equal(validateFieldOptions(field, ctx), null);
  });

  test('system autodate flags cannot change', () => {
    const field = makeField('autodate', { id: 'ad', system: true, onCreate: true, onUpdate: true });
    const old = collection({ fields: [makeField('autodate', { id: 'ad', system: true, onCreate: true, onUpdate: false })] });
    assert.deepEqual(validateFieldOptions(field, ctxFor(field, { oldCollection: old })), {
      onUpdate: E('validation_values_mismatch', "Values don't match."),
    });
    // Looked up through findCollection when not given.
    const lookup = ctxFor(field, { findCollection: (id) => (id === 'pbc_demo' ? old : undefined) });
    assert.deepEqual(validateFieldOptions(field, lookup), { onUpdate: E('validation_values_mismatch', "Values don't match.") });
  });
});
