import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bindCollectionInput, prepareForSave, scaffoldCollection } from './collection-input.js';
import { collectionOptionsJson, collectionToJson } from './collection-json.js';
import { findFieldByName } from './field-list.js';
import { CollectionInputError } from './input-binding.js';
import type { Collection } from './model.js';

let counter = 0;
const secret = (): string => `secret-${String(++counter).padStart(3, '0')}-${'x'.repeat(40)}`;
const now = new Date('2024-05-06T07:08:09.123Z');

function prepared(c: Collection): Collection {
  prepareForSave(c, { isNew: true, now });
  return c;
}

describe('scaffoldCollection', () => {
  test('a base collection gets the id field and a derived pbc_ id', () => {
    const c = scaffoldCollection('base', 'posts');
    assert.equal(c.id, 'pbc_1125843985'); // crc32('baseposts')
    assert.deepEqual(collectionToJson(c)['fields'], [
      {
        autogeneratePattern: '[a-z0-9]{15}',
        help: '',
        hidden: false,
        id: 'text3208210256',
        max: 15,
        min: 15,
        name: 'id',
        pattern: '^[a-z0-9]+$',
        presentable: false,
        primaryKey: true,
        required: true,
        system: true,
        type: 'text',
      },
    ]);
    assert.equal(c.auth, undefined);
  });

  test('ids follow PocketBase: pbc_ + crc32(type + name)', () => {
    assert.equal(scaffoldCollection('auth', '_superusers').id, 'pbc_3142635823');
    assert.equal(scaffoldCollection('unknown', 'x').type, 'base');
  });

  test('an auth collection gets the five auth fields, their unique indexes and default options', () => {
    const c = scaffoldCollection('auth', 'members', { id: 'abc', newSecret: secret });
    assert.deepEqual(
      c.fields.map((f) => [f.name, f.type, f.id, f.system, f.hidden]),
      [
        ['id', 'text', 'text3208210256', true, false],
        ['password', 'password', 'password901924565', true, true],
        ['tokenKey', 'text', 'text2504183744', true, true],
        ['email', 'email', 'email3885137012', true, false],
        ['emailVisibility', 'bool', 'bool1547992806', true, false],
        ['verified', 'bool', 'bool256245529', true, false],
      ],
    );
    assert.deepEqual(c.indexes, [
      'CREATE UNIQUE INDEX `idx_tokenKey_abc` ON `members` (`tokenKey`)',
      "CREATE UNIQUE INDEX `idx_email_abc` ON `members` (`email`) WHERE `email` != ''",
    ]);
    const auth = c.auth!;
    assert.equal(auth.authRule, '');
    assert.equal(auth.manageRule, null);
    assert.deepEqual(auth.passwordAuth, { enabled: true, identityFields: ['email'] });
    assert.deepEqual(
      [auth.authToken.duration, auth.passwordResetToken.duration, auth.emailChangeToken.duration, auth.verificationToken.duration, auth.fileToken.duration],
      [432000, 1800, 1800, 86400, 180],
    );
    assert.deepEqual([auth.mfa.duration, auth.otp.duration, auth.otp.length], [600, 180, 8]);
    const secrets = new Set([auth.authToken.secret, auth.fileToken.secret, auth.verificationToken.secret]);
    assert.equal(secrets.size, 3, 'each token type has its own secret');
  });

  test('the default secret generator makes 50 alphanumeric characters', () => {
    const c = scaffoldCollection('auth', 'members');
    assert.match(c.auth!.authToken.secret!, /^[a-zA-Z0-9]{50}$/);
  });
});

describe('bindCollectionInput', () => {
  test('token options merge: a duration alone keeps the secret', () => {
    const c = scaffoldCollection('auth', 'new', { newSecret: secret });
    const before = c.auth!.emailChangeToken.secret;
    bindCollectionInput(c, { emailChangeToken: { duration: 123 } });
    assert.deepEqual(c.auth!.emailChangeToken, { secret: before, duration: 123 });
  });

  test('OAuth2 providers merge by position, so an omitted client secret is kept', () => {
    const c = scaffoldCollection('auth', 'new', { newSecret: secret });
    bindCollectionInput(c, { oauth2: { enabled: true, providers: [{ name: 'google', clientId: 'a', clientSecret: 's1' }] } });
    bindCollectionInput(c, { oauth2: { providers: [{ name: 'google', clientId: 'b' }, { name: 'github' }] } });
    const providers = c.auth!.oauth2.providers;
    assert.equal(providers.length, 2);
    assert.deepEqual([providers[0]!.clientId, providers[0]!.clientSecret], ['b', 's1']);
    assert.equal(providers[1]!.clientSecret, '');
    assert.equal(c.auth!.oauth2.enabled, true);
  });

  test('keys match ignoring case; null clears rules but leaves names alone', () => {
    const c = scaffoldCollection('base', 'demo');
    c.listRule = 'x = 1';
    bindCollectionInput(c, { LISTRULE: null, name: null, viewRule: '' });
    assert.equal(c.listRule, null);
    assert.equal(c.viewRule, '');
    assert.equal(c.name, 'demo');
  });

  test('fields are replaced as a whole; new fields get type+crc32 ids', () => {
    const c = scaffoldCollection('base', 'demo');
    bindCollectionInput(c, { fields: [{ type: 'text', name: 'title' }, { type: 'number', name: 'n', id: 'custom' }] });
    assert.deepEqual(
      c.fields.map((f) => f.id),
      ['text724990059', 'custom'],
    );
  });

  test('wrong JSON types reject the whole body', () => {
    const c = scaffoldCollection('auth', 'demo');
    for (const body of [
      { name: 5 },
      { system: 'yes' },
      { fields: {} },
      { fields: [{ type: 'nope', name: 'x' }] },
      { indexes: [1] },
      { authToken: { duration: 1.5 } },
      { oauth2: { providers: 'x' } },
      { listRule: 1 },
    ]) {
      assert.throws(() => bindCollectionInput(structuredClone(c), body), CollectionInputError, JSON.stringify(body));
    }
  });

  test('auth keys on a base collection are type-checked and ignored', () => {
    const c = scaffoldCollection('base', 'demo');
    bindCollectionInput(c, { authRule: 'x', passwordAuth: { enabled: false } });
    assert.equal(c.auth, undefined);
    assert.throws(() => bindCollectionInput(c, { authRule: 5 }), CollectionInputError);
  });
});

describe('prepareForSave', () => {
  test('system auth fields keep user options but get the flags the system needs', () => {
    const c = scaffoldCollection('auth', 'new', { newSecret: secret });
    bindCollectionInput(c, {
      fields: [
        { type: 'text', id: '12345789', name: 'test' },
        { type: 'text', name: 'tokenKey', system: true, required: false, min: 10 },
      ],
    });
    prepared(c);
    assert.deepEqual(
      c.fields.map((f) => f.name),
      ['id', 'test', 'tokenKey', 'password', 'email', 'emailVisibility', 'verified'],
    );
    const tokenKey = collectionToJson(c)['fields'] as Array<Record<string, unknown>>;
    assert.deepEqual(tokenKey[2], {
      autogeneratePattern: '',
      help: '',
      hidden: true,
      id: 'text2504183744',
      max: 0,
      min: 10,
      name: 'tokenKey',
      pattern: '',
      presentable: false,
      primaryKey: false,
      required: true,
      system: true,
      type: 'text',
    });
    assert.equal(c.created, '2024-05-06 07:08:09.123Z');
    assert.equal(c.updated, c.created);
  });

  test('an existing id field is forced to be the system primary key', () => {
    const c = scaffoldCollection('base', 'x');
    bindCollectionInput(c, { fields: [{ type: 'text', name: 'id', hidden: true }] });
    prepared(c);
    const id = findFieldByName(c.fields, 'id');
    assert.ok(id?.type === 'text');
    assert.deepEqual([id.system, id.required, id.primaryKey, id.hidden, id.pattern], [true, true, true, false, '^[a-z0-9]+$']);
  });

  test('index statements are re-targeted at the collection name; invalid ones are left', () => {
    const c = scaffoldCollection('base', 'new');
    c.indexes = ['create index idx_test2 on anything (id, test)', 'create index broken'];
    prepared(c);
    assert.deepEqual(c.indexes, ['CREATE INDEX `idx_test2` ON `new` (\n  `id`,\n  `test`\n)', 'create index broken']);
  });

  test('OAuth2 mapped fields pointing at missing fields are cleared', () => {
    const c = scaffoldCollection('auth', 'm', { newSecret: secret });
    c.auth!.oauth2.mappedFields = { id: 'id', name: 'missing', username: '', avatarURL: 'email' };
    prepared(c);
    assert.deepEqual(c.auth!.oauth2.mappedFields, { id: 'id', name: '', username: '', avatarURL: 'email' });
  });
});

describe('collection JSON', () => {
  test('API JSON has PocketBase key order and no secrets', () => {
    const c = prepared(scaffoldCollection('auth', 'users2', { newSecret: secret }));
    bindCollectionInput(c, { oauth2: { providers: [{ name: 'gitlab', clientId: 'id', clientSecret: 'shh' }] } });
    const json = collectionToJson(c);
    assert.deepEqual(Object.keys(json).slice(0, 13), [
      'id',
      'listRule',
      'viewRule',
      'createRule',
      'updateRule',
      'deleteRule',
      'name',
      'type',
      'fields',
      'indexes',
      'created',
      'updated',
      'system',
    ]);
    const text = JSON.stringify(json);
    assert.ok(!text.includes('"secret"'));
    assert.ok(!text.includes('shh'));
    assert.ok(text.includes('"passwordAuth":{"enabled":true,"identityFields":["email"]}'));
    assert.ok(text.includes('"authRule":"","manageRule":null'));
  });

  test('stored options keep the secrets', () => {
    const c = prepared(scaffoldCollection('auth', 'users2', { newSecret: secret }));
    const stored = JSON.stringify(collectionOptionsJson(c));
    assert.ok(stored.includes(`"secret":"${c.auth!.authToken.secret}"`));
  });

  test('views carry viewQuery, base collections no options', () => {
    const view = scaffoldCollection('view', 'v');
    view.viewQuery = 'select 1 as id';
    assert.equal(collectionToJson(view)['viewQuery'], 'select 1 as id');
    assert.deepEqual(collectionOptionsJson(view), { viewQuery: 'select 1 as id' });
    const base = scaffoldCollection('base', 'b');
    assert.equal('viewQuery' in collectionToJson(base), false);
    assert.equal('authRule' in collectionToJson(base), false);
    assert.deepEqual(collectionOptionsJson(base), {});
  });
});
