import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { ValidationError } from '../../errors/index.js';
import type { FieldType } from '../model.js';
import { normalizeField } from './normalize.js';

const COMMON = { hidden: false, id: '', name: 'f', presentable: false, system: false };

describe('normalizeField fills PocketBase defaults', () => {
  const cases: Array<[FieldType, Record<string, unknown>]> = [
    ['text', { ...COMMON, autogeneratePattern: '', help: '', max: 0, min: 0, pattern: '', primaryKey: false, required: false }],
    ['number', { ...COMMON, help: '', max: null, min: null, onlyInt: false, required: false }],
    ['bool', { ...COMMON, help: '', required: false }],
    ['email', { ...COMMON, exceptDomains: null, help: '', onlyDomains: null, required: false }],
    ['url', { ...COMMON, exceptDomains: null, help: '', onlyDomains: null, required: false }],
    ['editor', { ...COMMON, convertURLs: false, help: '', maxSize: 0, required: false }],
    ['date', { ...COMMON, help: '', max: '', min: '', required: false }],
    ['autodate', { ...COMMON, onCreate: false, onUpdate: false }],
    ['select', { ...COMMON, help: '', maxSelect: 0, required: false, values: [] }],
    ['relation', { ...COMMON, cascadeDelete: false, collectionId: '', help: '', maxSelect: 0, minSelect: 0, required: false }],
    ['file', { ...COMMON, help: '', maxSelect: 0, maxSize: 0, mimeTypes: null, protected: false, required: false, thumbs: null }],
    ['json', { ...COMMON, help: '', maxSize: 0, required: false }],
    ['geoPoint', { ...COMMON, help: '', required: false }],
    ['password', { ...COMMON, cost: 0, help: '', max: 0, min: 0, pattern: '', required: false }],
  ];
  for (const [type, expected] of cases) {
    test(type, () => {
      const field = normalizeField({ type, name: 'f' });
      assert.deepEqual(field, { ...expected, type });
      // Keys come out sorted, as PocketBase serialises fields.
      assert.deepEqual(Object.keys(field), Object.keys({ ...expected, type }).sort());
    });
  }
});

describe('normalizeField coerces and refuses', () => {
  test('numeric strings and flag strings are coerced', () => {
    const field = normalizeField({ type: 'number', name: 'n', min: '1.5', max: 10, required: 'true', onlyInt: 0 });
    assert.equal(field.type, 'number');
    assert.deepEqual([field.min, field.max, field.required, field.onlyInt], [1.5, 10, true, false]);
  });

  test('date bounds are reformatted; unreadable bounds are cleared', () => {
    const field = normalizeField({ type: 'date', name: 'd', min: '2024-01-02T03:04:05Z', max: 'soon' });
    assert.equal(field.type === 'date' && field.min, '2024-01-02 03:04:05.000Z');
    assert.equal(field.type === 'date' && field.max, '');
  });

  test('unknown options are dropped', () => {
    const field = normalizeField({ type: 'bool', name: 'b', extra: 1 });
    assert.equal('extra' in field, false);
  });

  const bad: Array<[string, Record<string, unknown>, string]> = [
    ['unknown type', { type: 'color', name: 'x' }, 'type'],
    ['missing type', { name: 'x' }, 'type'],
    ['object name', { type: 'text', name: { a: 1 } }, 'name'],
    ['fractional int option', { type: 'text', name: 'x', max: 1.5 }, 'max'],
    ['non-list values', { type: 'select', name: 'x', values: 5 }, 'values'],
    ['bad flag', { type: 'bool', name: 'x', required: 'maybe' }, 'required'],
    ['non-numeric min', { type: 'number', name: 'x', min: 'abc' }, 'min'],
  ];
  for (const [title, raw, key] of bad) {
    test(title, () => {
      assert.throws(
        () => normalizeField(raw),
        (e: unknown) => e instanceof ValidationError && key in e.data && e.message.startsWith('Failed to load'),
      );
    });
  }
});

test('every field of the fixture normalises to itself', () => {
  const out = execFileSync('sqlite3', ['-json', '/work/shared/pocketbase-compat/fixture/data.db', 'select fields from _collections'], {
    encoding: 'utf8',
  });
  const rows = JSON.parse(out) as Array<{ fields: string }>;
  let count = 0;
  for (const row of rows) {
    for (const raw of JSON.parse(row.fields) as Array<Record<string, unknown>>) {
      // Fields stored by older versions lack `help`; PocketBase serialises it as ''.
      const expected = raw.type === 'autodate' || 'help' in raw ? raw : sortKeys({ ...raw, help: '' });
      assert.equal(JSON.stringify(normalizeField(raw)), JSON.stringify(expected), `field ${String(raw.name)}`);
      count++;
    }
  }
  assert.ok(count > 100);
});

function sortKeys(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).sort(([a], [b]) => (a < b ? -1 : 1)));
}
