import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ErrorData } from '../errors/index.js';
import { bindCollectionInput, cloneCollection, prepareForSave, scaffoldCollection } from './collection-input.js';
import type { Collection } from './model.js';
import { collectCollectionErrors, type CollectionValidationContext } from './validate.js';

const now = new Date('2024-01-01T00:00:00.000Z');
const secret = (): string => 'a'.repeat(50);

function make(type: string, name: string, body: Record<string, unknown> = {}): Collection {
  const c = scaffoldCollection(type, name, { newSecret: secret });
  bindCollectionInput(c, body);
  prepareForSave(c, { isNew: true, now });
  return c;
}

const demo = make('base', 'demo', { fields: [{ type: 'text', name: 'title' }] });
const members = make('auth', 'members');
const system = make('base', '_system', { system: true, listRule: 'id != ""' });

function ctx(overrides: Partial<CollectionValidationContext> = {}): CollectionValidationContext {
  return {
    original: null,
    collections: [demo, members, system],
    tables: new Set(['demo', 'members', '_system', '_params']),
    indexOwners: new Map([['idx_elsewhere', 'demo']]),
    ...overrides,
  };
}

/** Errors of a new collection built from `body`, or of `next` against `original`. */
function errorsOf(c: Collection, context = ctx()): ErrorData {
  return collectCollectionErrors(c, context) ?? {};
}

function update(original: Collection, body: Record<string, unknown>): { next: Collection; context: CollectionValidationContext } {
  const next = cloneCollection(original);
  bindCollectionInput(next, body);
  prepareForSave(next, { isNew: false, now });
  return { next, context: ctx({ original }) };
}

describe('collection validation: identity', () => {
  test('a valid new base collection has no errors', () => {
    assert.equal(collectCollectionErrors(make('base', 'fresh'), ctx()), null);
  });

  test('empty name', () => {
    assert.deepEqual(errorsOf(make('base', '')), { name: { code: 'validation_required', message: 'Cannot be blank.' } });
  });

  test('name format, _via_, uniqueness, ids and internal tables', () => {
    assert.deepEqual(errorsOf(make('base', 'a b'))['name'], { code: 'validation_match_invalid', message: 'Must be in a valid format.' });
    assert.deepEqual(errorsOf(make('base', 'a_via_b'))['name'], {
      code: 'validation_found_via',
      message: 'The value cannot contain "_via_".',
    });
    assert.deepEqual(errorsOf(make('base', 'DEMO'))['name'], {
      code: 'validation_collection_name_exists',
      message: 'Collection name must be unique (case insensitive).',
    });
    assert.deepEqual(errorsOf(make('base', demo.id))['name'], {
      code: 'validation_collection_name_id_duplicate',
      message: 'The name must not match an existing collection id.',
    });
    assert.deepEqual(errorsOf(make('base', '_params'))['name'], {
      code: 'validation_collection_name_invalid',
      message: "The name shouldn't match with an existing internal table.",
    });
    assert.deepEqual(errorsOf(make('base', 'x'.repeat(256)))['name'], {
      code: 'validation_length_out_of_range',
      message: 'The length must be between 1 and 255.',
      params: { min: 1, max: 255 },
    });
  });

  test('ids: taken, malformed, changed', () => {
    const taken = make('base', 'other', { id: demo.id });
    assert.deepEqual(errorsOf(taken)['id'], {
      code: 'validation_invalid_or_existing_id',
      message: 'The model id is invalid or already exists.',
    });
    assert.deepEqual(errorsOf(make('base', 'other', { id: 'a-b' }))['id'], {
      code: 'validation_match_invalid',
      message: 'Must be in a valid format.',
    });
    const { next, context } = update(demo, { id: 'changed' });
    assert.deepEqual(errorsOf(next, context)['id'], { code: 'validation_values_mismatch', message: "Values don't match." });
  });

  test('type: unknown and changed', () => {
    const unknown = make('base', 'x', { type: 'nope' });
    assert.deepEqual(errorsOf(unknown)['type'], { code: 'validation_in_invalid', message: 'Must be a valid value.' });
    const { next, context } = update(demo, { name: 'demo2x', type: 'auth' });
    assert.deepEqual(errorsOf(next, context)['type'], {
      code: 'validation_collection_type_change',
      message: 'Collection type cannot be changed.',
    });
  });

  test('system collections keep their name, flag and rules', () => {
    const { next, context } = update(system, { name: 'renamed', system: false, listRule: null });
    const errors = errorsOf(next, context);
    assert.equal((errors['name'] as { code: string }).code, 'validation_collection_system_name_change');
    assert.equal((errors['system'] as { code: string }).code, 'validation_collection_system_flag_change');
    assert.deepEqual(errors['listRule'], {
      code: 'validation_collection_system_rule_change',
      message: 'System collection API rule cannot be changed.',
    });
    assert.equal(errors['viewRule'], undefined);
  });
});

describe('collection validation: fields', () => {
  test('duplicated names (case-insensitive) report the later field', () => {
    const c = make('base', 'x', { fields: [{ type: 'text', name: 'title' }, { type: 'number', name: 'Title' }] });
    assert.deepEqual(errorsOf(c)['fields'], {
      '2': {
        name: {
          code: 'validation_duplicated_field_name',
          message: 'Duplicated or invalid field name Title.',
          params: { fieldName: 'Title' },
        },
      },
    });
  });

  test('removing or renaming a system field', () => {
    // A legacy id on a system field: the field added back by default gets another id.
    const legacy = cloneCollection(members);
    legacy.fields[0]!.id = '_pbf_text_id_';
    const { next, context } = update(legacy, { fields: [{ type: 'text', name: 'title' }] });
    assert.deepEqual(errorsOf(next, context)['fields'], {
      code: 'validation_system_field_change',
      message: 'System fields cannot be deleted or renamed.',
    });
  });

  test('changing a field type', () => {
    const title = demo.fields[1]!;
    const { next, context } = update(demo, { fields: [demo.fields[0], { ...title, type: 'number' }] });
    assert.deepEqual(errorsOf(next, context)['fields'], {
      '1': { code: 'validation_field_type_change', message: 'Field type cannot be changed.' },
    });
  });

  test('reserved names: auth body keys, dynamic record keys, the PostgreSQL row id', () => {
    const auth = make('auth', 'x', { fields: [{ type: 'text', name: 'oldPassword' }, { type: 'text', name: 'passwordConfirm' }] });
    const fields = errorsOf(auth)['fields'] as ErrorData;
    assert.deepEqual(fields['1'], {
      name: { code: 'validation_reserved_field_name', message: 'The field name is reserved and cannot be used.' },
    });
    assert.ok(fields['2']);

    const base = make('base', 'y', {
      fields: [{ type: 'text', name: 'expand' }, { type: 'text', name: 'collectionId' }, { type: 'text', name: '_rowid' }],
    });
    const baseFields = errorsOf(base)['fields'] as Record<string, Record<string, { code: string }>>;
    for (const i of ['1', '2', '3']) assert.equal(baseFields[i]?.['name']?.code, 'validation_not_in_invalid', i);
  });

  test('an auth collection whose system field lost its flags', () => {
    const c = make('auth', 'x');
    const password = c.fields.find((f) => f.name === 'password')!;
    password.hidden = false;
    assert.deepEqual(errorsOf(c)['fields'], {
      password: {
        code: 'validation_must_be_system_and_hidden',
        message: 'The field must be marked as "System" and "Hidden".',
      },
    });
  });

  test('a missing id primary key', () => {
    const c = make('base', 'x');
    c.fields = [];
    assert.deepEqual(errorsOf(c)['fields'], { code: 'validation_required', message: 'Cannot be blank.' });
    const d = make('base', 'x2');
    const id = d.fields[0]!;
    if (id.type === 'text') id.primaryKey = false;
    assert.deepEqual(errorsOf(d)['fields'], {
      code: 'validation_missing_primary_key',
      message: 'Missing or invalid "id" PK field.',
    });
  });
});

describe('collection validation: engine identifier limit', () => {
  test('names beyond the engine limit are reported only when the engine has one', () => {
    const long = 'n'.repeat(64);
    const c = make('base', long, {
      fields: [{ type: 'text', name: long }],
      indexes: [`create index ${long} on x (id)`],
    });
    const limit = { code: 'validation_length_out_of_range', message: 'The length must be between 1 and 63.', params: { min: 1, max: 63 } };
    assert.deepEqual(errorsOf(c, ctx({ maxIdentifierBytes: 63 })), {
      name: limit,
      fields: { '1': { name: limit } },
      indexes: { '0': limit },
    });
    assert.equal(collectCollectionErrors(c, ctx()), null);
  });
});

describe('collection validation: indexes', () => {
  const idx = (indexes: string[]): ErrorData => errorsOf(make('base', 'x', { fields: [{ type: 'text', name: 'a' }], indexes }));

  test('invalid, duplicated name, used elsewhere, duplicated definition', () => {
    assert.deepEqual(idx(['create index ok on x (a)', 'create index invalid'])['indexes'], {
      '1': { code: 'validation_invalid_index_expression', message: 'Invalid CREATE INDEX expression.' },
    });
    assert.deepEqual(idx(['create index dup on x (a)', 'create index DUP on x (id)'])['indexes'], {
      '1': { code: 'validation_duplicated_index_name', message: 'The index name already exists.' },
    });
    assert.deepEqual(idx(['create index idx_elsewhere on x (a)'])['indexes'], {
      '0': {
        code: 'validation_existing_index_name',
        message: 'The index name is already used in demo collection.',
        params: { usedTableName: 'demo' },
      },
    });
    assert.deepEqual(idx(['create index i1 on x (a)', 'create index i2 on anything (a)'])['indexes'], {
      '1': { code: 'validation_duplicated_index_definition', message: 'The index definition already exists.' },
    });
    assert.equal(idx(['create index i1 on x (a)', 'create unique index i2 on x (a)'])['indexes'], undefined);
  });

  test('views take no indexes', () => {
    const v = make('view', 'v', { viewQuery: 'select 1 as id' });
    v.indexes = ['create index i on v (id)'];
    assert.deepEqual(errorsOf(v, ctx({ viewQueryError: null }))['indexes'], {
      code: 'validation_indexes_not_supported',
      message: "View collections don't support indexes.",
    });
  });

  test('auth collections need unique tokenKey and email indexes', () => {
    const c = make('auth', 'x');
    c.indexes = c.indexes.slice(0, 1);
    assert.deepEqual(errorsOf(c)['indexes'], {
      code: 'validation_missing_required_unique_index',
      message: 'Missing required unique index for field "email".',
      params: { fieldName: 'email' },
    });
  });

  test('a unique index over a system field may be renamed or made partial, but not removed or widened', () => {
    const coded = make('base', 'coded', {
      fields: [{ type: 'text', name: 'code', system: true }],
      indexes: ['create unique index idx_code on coded (code)'],
    });
    const renamed = update(coded, { indexes: ["create unique index idx_other on coded (code collate nocase) where code != ''"] });
    assert.equal(errorsOf(renamed.next, renamed.context)['indexes'], undefined);
    for (const indexes of [[], ['create unique index idx_code on coded (code, id)'], ['create index idx_code on coded (code)']]) {
      const changed = update(coded, { indexes });
      assert.deepEqual(errorsOf(changed.next, changed.context)['indexes'], {
        code: 'validation_invalid_unique_system_field_index',
        message: 'Unique index definition on system fields (code) is invalid or missing.',
        params: { fieldName: 'code' },
      });
    }
  });
});

describe('collection validation: rules and options', () => {
  test('the rule hook sees each non-empty rule and its errors are reported', () => {
    const seen: string[] = [];
    const c = make('base', 'x', { listRule: 'bad', viewRule: '', deleteRule: 'fine' });
    const errors = errorsOf(
      c,
      ctx({
        validateRule: ({ rule, name }) => {
          seen.push(`${name}:${rule}`);
          return rule === 'bad' ? { code: 'validation_invalid_rule', message: 'Invalid rule.' } : null;
        },
      }),
    );
    assert.deepEqual(seen.sort(), ['deleteRule:fine', 'listRule:bad']);
    assert.deepEqual(errors, { listRule: { code: 'validation_invalid_rule', message: 'Invalid rule.' } });
  });

  test('views cannot have create, update or delete rules', () => {
    const v = make('view', 'v', { viewQuery: 'select 1 as id', createRule: '', updateRule: null });
    assert.deepEqual(errorsOf(v, ctx({ viewQueryError: null }))['createRule'], { code: 'validation_nil', message: 'Must be blank.' });
    assert.equal(errorsOf(v, ctx({ viewQueryError: null }))['updateRule'], undefined);
  });

  test('views need a query, and report the query error they are given', () => {
    const v = make('view', 'v');
    assert.deepEqual(errorsOf(v)['viewQuery'], { code: 'validation_required', message: 'Cannot be blank.' });
    const w = make('view', 'w', { viewQuery: 'nope' });
    const queryError = { code: 'validation_invalid_view_query', message: 'Invalid query - x.' };
    assert.deepEqual(errorsOf(w, ctx({ viewQueryError: queryError }))['viewQuery'], queryError);
  });

  test('password identity fields must exist and be unique', () => {
    const missing = update(members, { passwordAuth: { identityFields: ['missing'] } });
    assert.deepEqual(errorsOf(missing.next, missing.context), {
      passwordAuth: {
        identityFields: {
          code: 'validation_missing_field',
          message: 'Invalid or missing field missing.',
          params: { fieldName: 'missing' },
        },
      },
    });
    const notUnique = update(members, { passwordAuth: { identityFields: ['verified'] } });
    assert.equal(
      ((errorsOf(notUnique.next, notUnique.context)['passwordAuth'] as ErrorData)['identityFields'] as { code: string }).code,
      'validation_missing_unique_constraint',
    );
  });

  test('option ranges and required templates', () => {
    const { next, context } = update(members, {
      authToken: { duration: 5, secret: 'short' },
      otp: { enabled: true, duration: 0, length: 2 },
      manageRule: '',
      verificationTemplate: { subject: '', body: '' },
      resetPasswordTemplate: { subject: '' },
    });
    assert.deepEqual(errorsOf(next, context), {
      authToken: {
        secret: { code: 'validation_length_out_of_range', message: 'The length must be between 30 and 255.', params: { min: 30, max: 255 } },
        duration: { code: 'validation_min_greater_equal_than_required', message: 'Must be no less than 10.', params: { threshold: 10 } },
      },
      otp: {
        duration: { code: 'validation_required', message: 'Cannot be blank.' },
        length: { code: 'validation_min_greater_equal_than_required', message: 'Must be no less than 4.', params: { threshold: 4 } },
      },
      manageRule: { code: 'validation_nil_or_not_empty_required', message: 'Cannot be blank.' },
      verificationTemplate: { code: 'validation_required', message: 'Cannot be blank.' },
      resetPasswordTemplate: { subject: { code: 'validation_required', message: 'Cannot be blank.' } },
    });
  });

  test('MFA needs two auth methods', () => {
    const { next, context } = update(members, { mfa: { enabled: true } });
    assert.deepEqual(errorsOf(next, context), {
      mfa: {
        enabled: { code: 'validation_mfa_not_enough_auths', message: 'MFA requires at least 2 auth methods to be enabled.' },
      },
    });
    const ok = update(members, { mfa: { enabled: true }, otp: { enabled: true } });
    assert.equal(collectCollectionErrors(ok.next, ok.context), null);
  });

  test('duplicated and unknown OAuth2 providers', () => {
    const p = { name: 'google', clientId: 'a', clientSecret: 'b' };
    const dup = update(members, { oauth2: { enabled: true, providers: [p, p] } });
    assert.deepEqual(errorsOf(dup.next, dup.context), {
      oauth2: {
        providers: {
          '1': {
            name: {
              code: 'validation_duplicated_provider',
              message: 'The provider google is already registered.',
              params: { name: 'google' },
            },
          },
        },
      },
    });
    const unknown = update(members, { oauth2: { enabled: true, providers: [{ ...p, name: 'nope', clientSecret: '' }] } });
    assert.deepEqual(errorsOf(unknown.next, { ...unknown.context, oauth2Providers: new Set(['google']) }), {
      oauth2: {
        providers: {
          '0': {
            name: {
              code: 'validation_missing_provider',
              message: 'Invalid or missing provider with name nope.',
              params: { name: 'nope' },
            },
            clientSecret: { code: 'validation_required', message: 'Cannot be blank.' },
          },
        },
      },
    });
  });
});
