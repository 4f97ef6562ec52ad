// Some schema changes cannot happen while a view still uses the object being changed
// (replacing a column with one of another type, re-creating a view other views read).
// This module takes the affected views out of the way and puts them back afterwards,
// inside the same transaction: if a view cannot be put back, the whole change fails.
//
// SQLite: every view is dropped and re-created from its stored SQL (SQLite itself keeps
// views in step with table and column renames).
// PostgreSQL: only the views that depend on the object, directly or through other views,
// are dropped (deepest first) and re-created from their definitions (shallowest first).

import type { Executor } from '../../../db/types.js';

interface DetachedView {
  name: string;
  sql: string;
}

async function detachSqliteViews(tx: Executor): Promise<DetachedView[]> {
  const views = await tx.all<{ name: string; sql: string }>(
    "SELECT name, sql FROM sqlite_master WHERE type = 'view' AND sql IS NOT NULL",
  );
  for (const v of views) await tx.run(`DROP VIEW IF EXISTS ${tx.dialect.quoteIdent(v.name)}`);
  return views.map((v) => ({ name: v.name, sql: v.sql }));
}

const PG_DEPENDENT_VIEWS = `
WITH RECURSIVE target AS (
  SELECT c.oid FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = current_schema() AND c.relname = ?
), deps(oid, depth) AS (
  SELECT r.ev_class, 1
    FROM pg_catalog.pg_depend d
    JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid
   WHERE d.refobjid IN (SELECT oid FROM target) AND r.ev_class <> d.refobjid
  UNION
  SELECT r.ev_class, deps.depth + 1
    FROM deps
    JOIN pg_catalog.pg_depend d ON d.refobjid = deps.oid
    JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid
   WHERE r.ev_class <> deps.oid AND deps.depth < 64
)
SELECT c.relname AS name, pg_catalog.pg_get_viewdef(c.oid) AS sql, MAX(deps.depth) AS depth
  FROM deps JOIN pg_catalog.pg_class c ON c.oid = deps.oid
 WHERE c.relkind = 'v'
 GROUP BY c.oid, c.relname
 ORDER BY depth, c.relname`;

async function detachPostgresViews(tx: Executor, relation: string): Promise<DetachedView[]> {
  const views = await tx.all<{ name: string; sql: string }>(PG_DEPENDENT_VIEWS, [relation]);
  for (const v of [...views].reverse()) await tx.run(`DROP VIEW IF EXISTS ${tx.dialect.quoteIdent(v.name)}`);
  return views.map((v) => ({
    name: v.name,
    sql: `CREATE VIEW ${tx.dialect.quoteIdent(v.name)} AS ${v.sql.trim().replace(/;+$/, '')}`,
  }));
}

/** Names of the views that read `relation` (directly or through other views); PostgreSQL only knows this. */
export async function dependentViewNames(tx: Executor, relation: string): Promise<string[]> {
  if (tx.dialect.name !== 'postgres') return [];
  return (await tx.all<{ name: string }>(PG_DEPENDENT_VIEWS, [relation])).map((r) => r.name);
}

/** Runs `change` with the views that use `relation` dropped, then re-creates them. */
export async function withDependentViewsDetached<T>(tx: Executor, relation: string, change: () => Promise<T>): Promise<T> {
  const detached = tx.dialect.name === 'sqlite' ? await detachSqliteViews(tx) : await detachPostgresViews(tx, relation);
  const result = await change();
  for (const view of detached) await tx.run(view.sql);
  return result;
}
