// The two engines' small SQL differences. Everything not listed here is written once in
// SQL both engines accept; modules with more engine-specific SQL switch on `dialect.name`.
import type { Dialect, DialectName } from './types.js';

/** Double-quotes an identifier, doubling embedded quotes (standard SQL; valid on both engines). */
function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function upsertSuffix(conflictCols: readonly string[], updateCols: readonly string[]): string {
  const target = conflictCols.map(quoteIdent).join(', ');
  if (updateCols.length === 0) return `ON CONFLICT (${target}) DO NOTHING`;
  const sets = updateCols.map((c) => `${quoteIdent(c)} = excluded.${quoteIdent(c)}`).join(', ');
  return `ON CONFLICT (${target}) DO UPDATE SET ${sets}`;
}

export const sqliteDialect: Dialect = Object.freeze({
  name: 'sqlite',
  quoteIdent,
  jsonType: 'JSON',
  boolType: 'BOOLEAN',
  realType: 'REAL',
  bigintType: 'INTEGER',
  randomFn: 'RANDOM()',
  rowidExpr: '_rowid_',
  upsertSuffix,
});

export const postgresDialect: Dialect = Object.freeze({
  name: 'postgres',
  quoteIdent,
  jsonType: 'JSONB',
  boolType: 'BOOLEAN',
  realType: 'DOUBLE PRECISION',
  bigintType: 'BIGINT',
  randomFn: 'RANDOM()',
  rowidExpr: null,
  upsertSuffix,
});

export function dialectFor(name: DialectName): Dialect {
  switch (name) {
    case 'sqlite':
      return sqliteDialect;
    case 'postgres':
      return postgresDialect;
  }
}
