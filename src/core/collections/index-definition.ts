// Collection indexes are stored as `CREATE INDEX` statements in PocketBase's SQLite syntax
// (`_collections.indexes`). This module parses them into parts, so names and tables can
// be checked and normalised, and builds them back in the canonical form PocketBase
// writes. Turning a definition into DDL for a specific engine lives in schema/.

import { splitTopLevel, trimChars, UnbalancedSqlError } from './sql-split.js';

export interface IndexColumn {
  /** A column name, or an expression (anything containing `(` or a space). */
  name: string;
  collate: string;
  /** `ASC`, `DESC` or ''. */
  sort: string;
}

export interface IndexDefinition {
  schemaName: string;
  indexName: string;
  tableName: string;
  columns: IndexColumn[];
  /** The partial index condition, without the WHERE keyword ('' when none). */
  where: string;
  unique: boolean;
  /** `IF NOT EXISTS`. */
  optional: boolean;
}

const INDEX_PATTERN =
  /create\s+(unique\s+)?\s*index\s*(if\s+not\s+exists\s+)?(\S*)\s+on\s+(\S*)\s*\(([\s\S]*)\)(?:\s*where\s+([\s\S]*))?/im;
const COLUMN_PATTERN = /^([\s\S]+?)(?:\s+collate\s+(\w+))?(?:\s+(asc|desc))?$/im;
const NAME_TRIM = '`"\'[]\r\n\t\f\v ';

function emptyIndex(): IndexDefinition {
  return { schemaName: '', indexName: '', tableName: '', columns: [], where: '', unique: false, optional: false };
}

/** Parses a `CREATE [UNIQUE] INDEX` statement; unparsable input yields an invalid (empty) definition. */
export function parseIndex(sql: string): IndexDefinition {
  const result = emptyIndex();
  const match = INDEX_PATTERN.exec(sql);
  if (!match) return result;
  const [, unique = '', optional = '', rawName = '', rawTable = '', rawColumns = '', rawWhere = ''] = match;

  result.unique = unique.trim() !== '';
  result.optional = optional.trim() !== '';

  let nameParts: string[];
  try {
    nameParts = splitTopLevel(rawName, { separators: ['.'] });
  } catch (err) {
    if (err instanceof UnbalancedSqlError) return emptyIndex();
    throw err;
  }
  if (nameParts.length === 2) {
    result.schemaName = trimChars(nameParts[0] as string, NAME_TRIM);
    result.indexName = trimChars(nameParts[1] as string, NAME_TRIM);
  } else {
    result.indexName = trimChars(nameParts[0] ?? '', NAME_TRIM);
  }

  result.tableName = trimChars(rawTable, NAME_TRIM);

  let rawColumnList: string[];
  try {
    rawColumnList = splitTopLevel(rawColumns, { separators: [','] });
  } catch (err) {
    if (err instanceof UnbalancedSqlError) rawColumnList = [];
    else throw err;
  }
  for (const raw of rawColumnList) {
    const colMatch = COLUMN_PATTERN.exec(raw);
    if (!colMatch) continue;
    const name = trimChars(colMatch[1] ?? '', NAME_TRIM);
    if (name === '') continue;
    result.columns.push({
      name,
      collate: (colMatch[2] ?? '').trim(),
      sort: (colMatch[3] ?? '').toUpperCase(),
    });
  }

  result.where = rawWhere.trim();
  return result;
}

export function isValidIndex(index: IndexDefinition): boolean {
  return index.indexName !== '' && index.tableName !== '' && index.columns.length > 0;
}

/** True when an index column entry is an expression rather than a plain column name. */
export function isIndexExpression(columnName: string): boolean {
  return columnName.includes('(') || columnName.includes(' ');
}

/**
 * The canonical `CREATE INDEX` text PocketBase stores (backtick-quoted names, one column
 * per line when there are several). Returns '' for an invalid definition.
 */
export function buildIndex(index: IndexDefinition): string {
  if (!isValidIndex(index)) return '';
  let sql = 'CREATE ';
  if (index.unique) sql += 'UNIQUE ';
  sql += 'INDEX ';
  if (index.optional) sql += 'IF NOT EXISTS ';
  if (index.schemaName !== '') sql += `\`${index.schemaName}\`.`;
  sql += `\`${index.indexName}\` ON \`${index.tableName}\` (`;

  const multi = index.columns.length > 1;
  if (multi) sql += '\n  ';
  let wrote = false;
  for (const col of index.columns) {
    const name = col.name.trim();
    if (name === '') continue;
    if (wrote) sql += ',\n  ';
    sql += isIndexExpression(col.name) ? name : `\`${name}\``;
    if (col.collate !== '') sql += ` COLLATE ${col.collate}`;
    if (col.sort !== '') sql += ` ${col.sort.toUpperCase()}`;
    wrote = true;
  }
  if (wrote && multi) sql += '\n';
  sql += ')';
  if (index.where !== '') sql += ` WHERE ${index.where}`;
  return sql;
}

/** The first unique index over exactly `column` (case-insensitive), partial or not. */
export function findSingleColumnUniqueIndex(indexes: readonly string[], column: string): IndexDefinition | null {
  const wanted = column.toLowerCase();
  for (const raw of indexes) {
    const parsed = parseIndex(raw);
    if (parsed.unique && parsed.columns.length === 1 && parsed.columns[0]?.name.toLowerCase() === wanted) {
      return parsed;
    }
  }
  return null;
}

export function cloneIndex(index: IndexDefinition): IndexDefinition {
  return { ...index, columns: index.columns.map((c) => ({ ...c })) };
}
