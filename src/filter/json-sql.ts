// JSON access in each dialect, for resolvers. SQLite keeps JSON as TEXT and its forms mirror
// PocketBase's (tolerating non-JSON and non-array values); PostgreSQL keeps JSONB.
// Path parts are sanitised to [A-Za-z0-9_] before they reach SQL text.
import type { DialectName } from '../db/types.js';
import { FilterError } from './errors.js';
import { pgTextOf } from './render-postgres.js';
import type { ValueKind } from './resolver.js';

/**
 * Keeps word characters only (the identifier grammar allows nothing else in a path part) and
 * rejects parts no engine can use: empty ones and array indexes beyond 9 digits.
 */
export function cleanPathPart(part: string): string {
  const clean = part.replace(/[^A-Za-z0-9_]/g, '');
  if (clean === '' || /^\d{10,}$/.test(clean)) {
    throw new FilterError('unknown_field', `Invalid JSON path part ${JSON.stringify(part.slice(0, 40))}.`);
  }
  return clean;
}

/**
 * The JSON value at `path` of a JSON column. SQLite: the extracted SQL value (resolver kind
 * 'json'); PostgreSQL: the JSONB value itself (also kind 'json').
 */
export function jsonExtract(dialect: DialectName, column: string, path: readonly string[]): string {
  const parts = path.map(cleanPathPart);
  switch (dialect) {
    case 'sqlite': {
      const suffix = parts.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('');
      return (
        `(CASE WHEN json_valid(${column}) THEN JSON_EXTRACT(${column}, '$${suffix}') ` +
        `ELSE JSON_EXTRACT(json_object('pb', ${column}), '$.pb${suffix}') END)`
      );
    }
    case 'postgres':
      return parts.length === 0 ? column : `(${column} #> '{${parts.join(',')}}')`;
  }
}

/** Storage of the column a multi-value operation reads. */
export type ArrayColumnType = 'json' | 'text';

/**
 * A table expression yielding one row per array element in a column named `value`
 * (a non-array value counts as a one-element array). Use with `jsonEachJoin`.
 */
export function jsonEachSource(dialect: DialectName, column: string, type: ArrayColumnType): string {
  switch (dialect) {
    case 'sqlite':
      return `json_each(CASE WHEN iif(json_valid(${column}), json_type(${column})='array', FALSE) THEN ${column} ELSE json_array(${column}) END)`;
    case 'postgres':
      return type === 'json'
        ? `jsonb_array_elements_text(CASE WHEN jsonb_typeof(${column}) = 'array' THEN ${column} ELSE jsonb_build_array(${column}) END)`
        : `jsonb_array_elements_text(jsonb_build_array(${column}))`;
  }
}

/** `LEFT JOIN <elements of column> <alias>` with an always-true join condition. */
export function jsonEachJoin(dialect: DialectName, source: string, alias: string): string {
  switch (dialect) {
    case 'sqlite':
      return `LEFT JOIN ${source} "${alias}"`;
    case 'postgres':
      return `LEFT JOIN LATERAL ${source} AS "${alias}"("value") ON TRUE`;
  }
}

/** `FROM`-clause form of the element table, for `IN (SELECT … FROM …)` subqueries. */
export function jsonEachFrom(dialect: DialectName, source: string, alias: string): string {
  switch (dialect) {
    case 'sqlite':
      return `${source} "${alias}"`;
    case 'postgres':
      return `${source} AS "${alias}"("value")`;
  }
}

/** The number of elements (0 for '' or NULL, 1 for a non-array value). Kind 'number'. */
export function jsonArrayLength(dialect: DialectName, column: string, type: ArrayColumnType): string {
  switch (dialect) {
    case 'sqlite':
      return (
        `json_array_length(CASE WHEN iif(json_valid(${column}), json_type(${column})='array', FALSE) THEN ${column} ` +
        `ELSE (CASE WHEN ${column} = '' OR ${column} IS NULL THEN json_array() ELSE json_array(${column}) END) END)`
      );
    case 'postgres':
      return type === 'json'
        ? `jsonb_array_length(CASE WHEN jsonb_typeof(${column}) = 'array' THEN ${column} ` +
            `WHEN ${column} IS NULL OR ${column} = to_jsonb(CAST('' AS TEXT)) THEN CAST('[]' AS JSONB) ELSE jsonb_build_array(${column}) END)`
        : `(CASE WHEN ${column} = '' OR ${column} IS NULL THEN 0 ELSE 1 END)`;
  }
}

/**
 * SQLite's LOWER (ASCII only) of an expression of the given kind, in each dialect
 * (PostgreSQL first renders non-text values as SQLite would).
 */
export function asciiLowerSql(dialect: DialectName, expr: string, kind: ValueKind = 'text'): string {
  if (dialect === 'sqlite') return `LOWER(${expr})`;
  return `plinth_lower(${pgTextOf({ sql: expr, params: [] }, kind).sql})`;
}
