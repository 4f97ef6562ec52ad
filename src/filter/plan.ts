// The dialect-neutral plan of a compiled filter: the exact SQL shape PocketBase produces on
// SQLite (which forms of `=`, COALESCE, NOT EXISTS, …), as a tree that each dialect renders.
// SQLite renders it as written; PostgreSQL renders it with explicit types and conversions
// that reproduce SQLite's dynamic typing.
import type { Affinity, SqlFragment, ValueKind } from './resolver.js';

/** A value expression. */
export type ValueExpr =
  /** A resolver expression (column, json extract, join value, …). */
  | { readonly t: 'field'; readonly sql: string; readonly params: SqlFragment['params']; readonly kind: ValueKind; readonly affinity: Affinity }
  /** A bound literal. Numbers are REAL unless `integer`; booleans bind as 1/0. */
  | { readonly t: 'param'; readonly value: string | number | boolean; readonly integer: boolean }
  /** A LIKE pattern built from a literal (already wrapped/escaped). */
  | { readonly t: 'pattern'; readonly value: string }
  | { readonly t: 'null' }
  /** The integer keywords `true`/`false` stand for. */
  | { readonly t: 'int'; readonly value: 0 | 1 }
  | { readonly t: 'emptyText' }
  | { readonly t: 'coalesce'; readonly value: ValueExpr }
  /** The value column of a multi-match subquery. */
  | { readonly t: 'subqueryValue'; readonly alias: string; readonly source: ValueExpr }
  | { readonly t: 'geoDistance'; readonly args: readonly [ValueExpr, ValueExpr, ValueExpr, ValueExpr] }
  | { readonly t: 'strftime'; readonly format: ValueExpr; readonly time?: ValueExpr; readonly modifiers: readonly ValueExpr[] };

export type CompareOp = '=' | 'IS' | 'IS NOT' | '<' | '<=' | '>' | '>=';

/** A multi-match subquery: `SELECT <value> AS "multiMatchValue" <from>`. */
export interface Subquery {
  readonly alias: string;
  readonly value: ValueExpr;
  readonly from: SqlFragment;
}

/** A boolean expression. */
export type BoolExpr =
  | { readonly t: 'compare'; readonly op: CompareOp; readonly left: ValueExpr; readonly right: ValueExpr }
  /** `left LIKE right`; with `wrap` the pattern is `'%' || right || '%'`. */
  | { readonly t: 'like'; readonly negated: boolean; readonly left: ValueExpr; readonly right: ValueExpr; readonly wrap: boolean }
  | { readonly t: 'isNull'; readonly negated: boolean; readonly value: ValueExpr }
  | { readonly t: 'and' | 'or'; readonly items: readonly BoolExpr[] }
  | { readonly t: 'not'; readonly item: BoolExpr }
  /** NOT EXISTS (SELECT 1 FROM (<first>) a [LEFT JOIN (<second>) b] WHERE <where>). */
  | { readonly t: 'notExists'; readonly first: Subquery; readonly second?: Subquery; readonly where: BoolExpr }
  /** Resolver-provided SQL (guards), already in the target dialect. */
  | { readonly t: 'raw'; readonly sql: string; readonly params: SqlFragment['params'] };
