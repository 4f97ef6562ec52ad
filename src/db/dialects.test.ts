import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dialectFor, postgresDialect, sqliteDialect } from './dialects.js';

test('quoteIdent double-quotes and escapes embedded quotes on both engines', () => {
  for (const d of [sqliteDialect, postgresDialect]) {
    assert.equal(d.quoteIdent('name'), '"name"');
    assert.equal(d.quoteIdent('we"ird'), '"we""ird"');
    assert.equal(d.quoteIdent(''), '""');
  }
});

test('column types per engine', () => {
  assert.deepEqual(
    [sqliteDialect.jsonType, sqliteDialect.realType, sqliteDialect.bigintType, sqliteDialect.boolType],
    ['JSON', 'REAL', 'INTEGER', 'BOOLEAN'],
  );
  assert.deepEqual(
    [postgresDialect.jsonType, postgresDialect.realType, postgresDialect.bigintType, postgresDialect.boolType],
    ['JSONB', 'DOUBLE PRECISION', 'BIGINT', 'BOOLEAN'],
  );
});

test('rowid exists only on SQLite', () => {
  assert.equal(sqliteDialect.rowidExpr, '_rowid_');
  assert.equal(postgresDialect.rowidExpr, null);
});

test('upsertSuffix', () => {
  assert.equal(
    sqliteDialect.upsertSuffix(['id'], ['a', 'b"c']),
    'ON CONFLICT ("id") DO UPDATE SET "a" = excluded."a", "b""c" = excluded."b""c"',
  );
  assert.equal(postgresDialect.upsertSuffix(['k1', 'k2'], []), 'ON CONFLICT ("k1", "k2") DO NOTHING');
});

test('dialectFor', () => {
  assert.equal(dialectFor('sqlite'), sqliteDialect);
  assert.equal(dialectFor('postgres'), postgresDialect);
});
