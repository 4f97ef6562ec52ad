import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { forEachDialect } from '../../../db/testing.js';
import type { Field } from '../model.js';
import { decodeValue, encodeValue } from './codec.js';
import { columnDefinition } from './columns.js';
import { normalizeField } from './normalize.js';
import { PlainPassword, verifyPassword } from './password.js';
import { makeField } from './test-fields.js';
import { zeroValue } from './values.js';

const FIXTURE = '/work/shared/pocketbase-compat/fixture/data.db';

function fixtureQuery<T>(sql: string): T[] {
  return JSON.parse(execFileSync('sqlite3', ['-json', FIXTURE, sql], { encoding: 'utf8' }) || '[]') as T[];
}

/** Column name → definition, from a CREATE TABLE statement (split at top-level commas). */
function columnsOf(sql: string): Map<string, string> {
  const body = sql.slice(sql.indexOf('(') + 1, sql.lastIndexOf(')'));
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of body) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current.trim());
  return new Map(parts.map((part) => {
    const match = /^[`"]([^`"]+)[`"] (.*)$/.exec(part);
    return [match?.[1] ?? part, match?.[2] ?? ''];
  }));
}

describe('SQLite column definitions are what PocketBase creates', () => {
  const tables = ['_superusers', '_externalAuths', '_mfas', '_otps', '_authOrigins'];
  for (const table of tables) {
    test(table, () => {
      const [row] = fixtureQuery<{ fields: string; sql: string }>(
        `select c.fields as fields, m.sql as sql from _collections c join sqlite_master m on m.name = c.name where c.name = '${table}'`,
      );
      assert.ok(row, table);
      const columns = columnsOf(row.sql);
      const fields = (JSON.parse(row.fields) as Array<Record<string, unknown>>).map(normalizeField);
      assert.equal(fields.length, columns.size);
      for (const field of fields) {
        assert.equal(columnDefinition(field, 'sqlite'), columns.get(field.name), `${table}.${field.name}`);
      }
    });
  }
});

// One field of every type (and both shapes of the multi-value ones).
const fields: Field[] = [
  makeField('text', { name: 'id', primaryKey: true, required: true, pattern: '^[a-z0-9]+$' }),
  makeField('text', { name: 'title' }),
  makeField('number', { name: 'total' }),
  makeField('bool', { name: 'active' }),
  makeField('email', { name: 'email' }),
  makeField('url', { name: 'site' }),
  makeField('editor', { name: 'body' }),
  makeField('date', { name: 'due' }),
  makeField('autodate', { name: 'created', onCreate: true }),
  makeField('select', { name: 'status', values: ['a', 'b'], maxSelect: 1 }),
  makeField('select', { name: 'tags', values: ['a', 'b', 'c'], maxSelect: 3 }),
  makeField('relation', { name: 'owner', collectionId: 'x', maxSelect: 1 }),
  makeField('relation', { name: 'members', collectionId: 'x', maxSelect: 9 }),
  makeField('file', { name: 'avatar', maxSelect: 1 }),
  makeField('file', { name: 'docs', maxSelect: 5 }),
  makeField('json', { name: 'meta' }),
  makeField('geoPoint', { name: 'point' }),
  makeField('password', { name: 'password', cost: 4 }),
];

const values: Record<string, unknown> = {
  id: 'abc123def456ghi',
  title: 'Hello, "world" ?',
  total: -12.75,
  active: true,
  email: 'a@example.com',
  site: 'https://example.com',
  body: '<p>ą</p>',
  due: '2024-02-29 12:30:00.250Z',
  created: '2024-01-01 00:00:00.000Z',
  status: 'b',
  tags: ['c', 'a'],
  owner: 'r1',
  members: ['r1', 'r2'],
  avatar: 'a_x.png',
  docs: ['d1.pdf', 'd2.pdf'],
  meta: { nested: [1, 'two', { three: true }], unicode: 'ż' },
  point: { lon: 23.333157, lat: 42.654318 },
};

forEachDialect(
  (dialect, getDb) => {
    test('a table from columnDefinition holds every type', async () => {
      const db = getDb();
      const q = db.dialect.quoteIdent;
      const columns = fields.map((f) => `${q(f.name)} ${columnDefinition(f, dialect)}`).join(', ');
      await db.exec(`CREATE TABLE ${q('everything')} (${columns})`);

      // Column defaults decode to each field's zero value.
      await db.run(`INSERT INTO ${q('everything')} (${q('id')}) VALUES (?)`, ['defaults0000000']);
      const defaults = await db.get(`SELECT * FROM ${q('everything')} WHERE ${q('id')} = ?`, ['defaults0000000']);
      assert.ok(defaults);
      for (const field of fields.slice(1)) {
        assert.deepEqual(decodeValue(field, defaults[field.name]), zeroValue(field), `default of ${field.name}`);
      }

      // Values round-trip through bound parameters.
      const names = fields.map((f) => q(f.name));
      const params = fields.map((f) =>
        encodeValue(f, f.type === 'password' ? new PlainPassword('secret-pass') : values[f.name], dialect),
      );
      await db.run(`INSERT INTO ${q('everything')} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`, params);
      const row = await db.get(`SELECT * FROM ${q('everything')} WHERE ${q('id')} = ?`, [values.id as string]);
      assert.ok(row);
      for (const field of fields) {
        const decoded = decodeValue(field, row[field.name]);
        if (field.type === 'password') {
          assert.equal(await verifyPassword(decoded as string, 'secret-pass'), true);
          continue;
        }
        assert.deepEqual(decoded, values[field.name], field.name);
      }
    });

    test('a primary key left out gets the fallback default', async () => {
      const db = getDb();
      const q = db.dialect.quoteIdent;
      await db.run(`INSERT INTO ${q('everything')} (${q('title')}) VALUES (?)`, ['no id']);
      const row = await db.get<{ id: string }>(`SELECT ${q('id')} FROM ${q('everything')} WHERE ${q('title')} = ?`, ['no id']);
      assert.match(row?.id ?? '', /^r[0-9a-f]{14}$/);
    });

    test('a JSON field without a value is SQL NULL', async () => {
      const db = getDb();
      const q = db.dialect.quoteIdent;
      const meta = fields.find((f) => f.name === 'meta') as Field;
      await db.run(`INSERT INTO ${q('everything')} (${q('id')}, ${q('meta')}) VALUES (?, ?)`, [
        'nulljson0000000',
        encodeValue(meta, null, dialect),
      ]);
      const row = await db.get(`SELECT ${q('meta')} IS NULL AS ${q('isNull')} FROM ${q('everything')} WHERE ${q('id')} = ?`, [
        'nulljson0000000',
      ]);
      assert.ok(row && (row.isNull === 1 || row.isNull === true));
    });
  },
  { title: 'field columns' },
);
