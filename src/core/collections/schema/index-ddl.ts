// The SQL that creates a collection index on each engine. Index definitions are stored in
// PocketBase's SQLite syntax; on SQLite they run as PocketBase builds them, on PostgreSQL
// they are translated: identifiers double-quoted, backtick-quoted names in expressions and
// conditions re-quoted, and SQLite collations mapped (NOCASE becomes LOWER(column), which
// gives case-insensitive uniqueness the same way). Expressions and conditions are
// superuser-written SQL and otherwise pass through; on PostgreSQL they must be valid there.

import type { DialectName } from '../../../db/types.js';
import { buildIndex, isIndexExpression, type IndexDefinition } from '../index-definition.js';

/** Rewrites `name` quoting to `"name"` outside string literals. */
export function backticksToDoubleQuotes(sql: string): string {
  let out = '';
  let inString = false;
  let inBacktick = false;
  for (const ch of sql) {
    if (inString) {
      out += ch;
      if (ch === "'") inString = false;
    } else if (inBacktick) {
      if (ch === '`') {
        out += '"';
        inBacktick = false;
      } else {
        out += ch === '"' ? '""' : ch;
      }
    } else if (ch === "'") {
      out += ch;
      inString = true;
    } else if (ch === '`') {
      out += '"';
      inBacktick = true;
    } else {
      out += ch;
    }
  }
  return out;
}

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

function postgresColumn(col: IndexDefinition['columns'][number]): string {
  let expr = isIndexExpression(col.name) ? backticksToDoubleQuotes(col.name.trim()) : quote(col.name.trim());
  const collate = col.collate.toUpperCase();
  if (collate === 'NOCASE') expr = `LOWER(${expr})`;
  else if (collate === 'BINARY') expr = `${expr} COLLATE "C"`;
  else if (collate !== '' && collate !== 'RTRIM') expr = `${expr} COLLATE ${quote(col.collate)}`;
  return col.sort !== '' ? `${expr} ${col.sort.toUpperCase()}` : expr;
}

/** `CREATE INDEX` for `index` on table `table` (the definition's own table is ignored). */
export function createIndexSql(index: IndexDefinition, table: string, dialect: DialectName): string {
  switch (dialect) {
    case 'sqlite':
      return buildIndex({ ...index, schemaName: '', tableName: table });
    case 'postgres': {
      const columns = index.columns.filter((c) => c.name.trim() !== '').map(postgresColumn);
      let sql = `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${index.optional ? 'IF NOT EXISTS ' : ''}`;
      sql += `${quote(index.indexName)} ON ${quote(table)} (${columns.join(', ')})`;
      if (index.where !== '') sql += ` WHERE ${backticksToDoubleQuotes(index.where)}`;
      return sql;
    }
  }
}

export function dropIndexSql(indexName: string): string {
  return `DROP INDEX IF EXISTS ${quote(indexName)}`;
}
