// Schema introspection for both engines, written against `Executor` so it also works
// inside a transaction (migrations check what exists before changing it).
// PostgreSQL looks only at the connection's current schema (the first one on search_path).
import type { ColumnInfo, Executor } from './types.js';

export async function tableExists(ex: Executor, name: string): Promise<boolean> {
  switch (ex.dialect.name) {
    case 'sqlite':
      return (await ex.get("SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = ?", [name])) !== undefined;
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

export async function listTables(ex: Executor): Promise<string[]> {
  let rows: { name: string }[];
  switch (ex.dialect.name) {
    case 'sqlite':
      rows = await ex.all<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
      );
      break;
    case 'postgres':
      rows = await ex.all<{ name: string }>(
        `SELECT c.relname AS name FROM pg_catalog.pg_class c
           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')`,
      );
      break;
  }
  // Sorted here rather than in SQL so both engines agree regardless of collation.
  return rows.map((r) => r.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

interface SqliteColumnRow {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}

interface PostgresColumnRow {
  name: string;
  type: string;
  not_null: boolean;
  default_sql: string | null;
  primary_key: boolean;
}

export async function listColumns(ex: Executor, table: string): Promise<ColumnInfo[]> {
  switch (ex.dialect.name) {
    case 'sqlite': {
      const rows = await ex.all<SqliteColumnRow>(
        'SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid',
        [table],
      );
      return rows.map((r) => ({
        name: r.name,
        type: r.type.toUpperCase(),
        notNull: r.notnull !== 0,
        defaultSql: r.dflt_value,
        primaryKey: r.pk > 0,
      }));
    }
    case 'postgres': {
      const rows = await ex.all<PostgresColumnRow>(
        `SELECT a.attname AS name,
                pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
                a.attnotnull AS not_null,
                pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS default_sql,
                EXISTS (SELECT 1 FROM pg_catalog.pg_index i
                         WHERE i.indrelid = a.attrelid AND i.indisprimary AND a.attnum = ANY (i.indkey)) AS primary_key
           FROM pg_catalog.pg_attribute a
           JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
           LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          WHERE n.nspname = current_schema() AND c.relname = ? AND c.relkind IN ('r', 'p')
            AND a.attnum > 0 AND NOT a.attisdropped
          ORDER BY a.attnum`,
        [table],
      );
      return rows.map((r) => ({
        name: r.name,
        type: r.type.toUpperCase(),
        notNull: r.not_null,
        defaultSql: r.default_sql,
        primaryKey: r.primary_key,
      }));
    }
  }
}
