// What the database currently holds, as far as schema changes need to know. SQLite
// resolves unquoted and quoted names case-insensitively, so lookups there ignore case;
// PostgreSQL quoted identifiers are exact, so lookups there do not. PostgreSQL looks only
// at the connection's current schema.

import type { Executor } from '../../../db/types.js';

/** True when a table (not a view) named `name` exists. */
export async function tableExists(ex: Executor, name: string): Promise<boolean> {
  switch (ex.dialect.name) {
    case 'sqlite':
      return (
        (await ex.get("SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND LOWER(name) = LOWER(?)", [name])) !==
        undefined
      );
    case 'postgres':
      return (
        (await ex.get(
          `SELECT 1 AS found FROM pg_catalog.pg_class c
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relname = ? AND c.relkind IN ('r', 'p')`,
          [name],
        )) !== undefined
      );
  }
}

/** Lower-cased names of every table and view (engine-internal ones excluded). */
export async function relationNames(ex: Executor): Promise<Set<string>> {
  let rows: { name: string }[];
  switch (ex.dialect.name) {
    case 'sqlite':
      rows = await ex.all<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
      );
      break;
    case 'postgres':
      rows = await ex.all<{ name: string }>(
        `SELECT c.relname AS name FROM pg_catalog.pg_class c
           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm')`,
      );
      break;
  }
  return new Set(rows.map((r) => r.name.toLowerCase()));
}

/** Index name (lower-cased) → the table it is on, for every index in the database. */
export async function indexOwners(ex: Executor): Promise<Map<string, string>> {
  let rows: { name: string; tbl: string }[];
  switch (ex.dialect.name) {
    case 'sqlite':
      rows = await ex.all<{ name: string; tbl: string }>(
        "SELECT name, tbl_name AS tbl FROM sqlite_master WHERE type = 'index'",
      );
      break;
    case 'postgres':
      rows = await ex.all<{ name: string; tbl: string }>(
        'SELECT indexname AS name, tablename AS tbl FROM pg_catalog.pg_indexes WHERE schemaname = current_schema()',
      );
      break;
  }
  return new Map(rows.map((r) => [r.name.toLowerCase(), r.tbl]));
}

/** Names of every view. */
export async function viewNames(ex: Executor): Promise<string[]> {
  switch (ex.dialect.name) {
    case 'sqlite':
      return (await ex.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'view'")).map((r) => r.name);
    case 'postgres':
      return (
        await ex.all<{ name: string }>(
          `SELECT c.relname AS name FROM pg_catalog.pg_class c
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind = 'v'`,
        )
      ).map((r) => r.name);
  }
}
