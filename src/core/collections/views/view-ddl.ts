// Creating, dropping and inspecting the SQL views behind view collections, on both
// engines. The user's query is wrapped as `SELECT * FROM (<query>)` (which also makes a
// second statement a syntax error) and always runs as one prepared statement, never as a
// multi-statement script.
//
// A view query is SQL of the engine the server runs on. On PostgreSQL that means
// PostgreSQL SQL: camelCase columns must be double-quoted (`a."emailVisibility"`, since
// unquoted names fold to lower case), there are no backtick or [bracket] quotes, a JOIN
// needs its ON clause, SQLite-only functions (`total()`, `json_extract()`, `strftime()`)
// are not available, and the jsonb `?` operators must be written as `jsonb_exists(...)`
// (a bare `?` is read as a parameter placeholder). Field inference works the same way on
// both engines.

import { randomString } from '../../../lib/ids.js';
import type { Executor } from '../../../db/types.js';
import { FIELD_ID } from '../names.js';
import { normalizeViewSelectQuery, ViewQueryError } from './view-query.js';

export interface RelationColumn {
  name: string;
  /** The declared type as the engine reports it, upper-cased ('' when SQLite has none). */
  type: string;
}

/** `SELECT * FROM (<query>)`; PostgreSQL requires the subquery to be named. */
function wrapSelect(ex: Executor, query: string): string {
  return ex.dialect.name === 'postgres' ? `SELECT * FROM (${query}) AS "_pb_view"` : `SELECT * FROM (${query})`;
}

export async function dropView(ex: Executor, name: string): Promise<void> {
  await ex.run(`DROP VIEW IF EXISTS ${ex.dialect.quoteIdent(name)}`);
}

/** Columns of a table or view, in order (empty when it does not exist). */
export async function relationColumns(ex: Executor, name: string): Promise<RelationColumn[]> {
  switch (ex.dialect.name) {
    case 'sqlite': {
      const rows = await ex.all<{ name: string; type: string | null }>(
        'SELECT name, type FROM pragma_table_info(?) ORDER BY cid',
        [name],
      );
      return rows.map((r) => ({ name: r.name, type: (r.type ?? '').toUpperCase() }));
    }
    case 'postgres': {
      const rows = await ex.all<{ name: string; type: string }>(
        `SELECT a.attname AS name, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type
           FROM pg_catalog.pg_attribute a
           JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = current_schema() AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped
          ORDER BY a.attnum`,
        [name],
      );
      return rows.map((r) => ({ name: r.name, type: r.type.toUpperCase() }));
    }
  }
}

/**
 * (Re)creates view `name` over `query` and checks that it can be read (SQLite accepts
 * views over missing tables until they are used). Must run inside a transaction.
 */
export async function saveView(ex: Executor, name: string, query: string): Promise<void> {
  await dropView(ex, name);
  const select = normalizeViewSelectQuery(query);
  const view = ex.dialect.quoteIdent(name);
  await ex.run(`CREATE VIEW ${view} AS ${wrapSelect(ex, select)}`);
  await ex.all(`SELECT * FROM ${view} LIMIT 0`);
}

/** The result columns of `query`, read through a temporary view inside a savepoint. */
export async function queryColumns(
  tx: Executor & { transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T> },
  query: string,
): Promise<RelationColumn[]> {
  const temp = `_temp_${randomString(6)}`;
  return tx.transaction(async (sp) => {
    await saveView(sp, temp, query);
    const columns = await relationColumns(sp, temp);
    await dropView(sp, temp);
    if (columns.length === 0) throw new ViewQueryError('the query returns no columns');
    return columns;
  });
}

/**
 * Record ids are strings, so a view whose `id` column is not TEXT is wrapped to cast it
 * (e.g. `ROW_NUMBER() OVER()` ids). Returns the query to store in the view.
 */
export function normalizeViewQueryId(ex: Executor, query: string, columns: readonly RelationColumn[]): string {
  const trimmed = normalizeViewSelectQuery(query);
  const id = columns.find((c) => c.name.toLowerCase() === FIELD_ID);
  if (id && id.type === 'TEXT') return trimmed;
  const q = (n: string): string => ex.dialect.quoteIdent(n);
  const list = columns.map((c) => (c.name === FIELD_ID ? `CAST(${q(c.name)} AS TEXT) ${q(c.name)}` : q(c.name)));
  const from = ex.dialect.name === 'postgres' ? `(${trimmed}) AS "_pb_id"` : `(${trimmed})`;
  return `SELECT ${list.join(', ')} FROM ${from}`;
}
