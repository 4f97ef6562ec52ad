// The contract between the filter compiler and whatever knows the schema. A resolver maps an
// identifier (`title`, `author.name`, `@request.auth.id`, …) to SQL for the current dialect,
// or to a constant; it owns any joins the name needs and hands them to its caller itself.
import type { SqlValue } from '../db/types.js';

/**
 * What an expression holds, which decides how it is typed on PostgreSQL and how values are
 * converted when it is compared with something of another kind:
 * - text, date: TEXT on both engines;
 * - number: REAL/NUMERIC on SQLite, DOUBLE PRECISION on PostgreSQL;
 * - bool: 0/1 on SQLite, BOOLEAN on PostgreSQL;
 * - json: on SQLite the already extracted SQL value (json_extract), on PostgreSQL a JSONB
 *   expression holding the JSON value itself;
 * - unknown: any PostgreSQL type (compared through its JSON form).
 */
export type ValueKind = 'text' | 'number' | 'bool' | 'json' | 'date' | 'unknown';

/**
 * SQLite's type affinity of the expression. Plain column references have the affinity of
 * their declared type; every other expression has none. It decides implicit conversions in
 * comparisons (`title = 5` compares text with the text '5.0'; `count = '5'` compares numbers),
 * which the PostgreSQL compiler reproduces.
 */
export type Affinity = 'text' | 'numeric' | 'none';

/**
 * How NULL and '' are treated in `=`/`!=` (PocketBase's semantics):
 * - auto: NULL and '' are equal;
 * - disabled: compared with IS / IS NOT, no normalisation (JSON values);
 * - enforced: never treated as a known non-empty value (function results).
 */
export type NullFallback = 'auto' | 'disabled' | 'enforced';

export interface SqlFragment {
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

/**
 * A multi-valued operand (a multi relation, a `:each`, a back relation, `@collection.*`):
 * comparisons with plain operators must hold for every value, which is checked by a
 * correlated subquery `SELECT <value> AS "multiMatchValue" <from>`.
 */
export interface MultiMatch {
  /** The per-row value inside the subquery (same kind and affinity as the field). */
  readonly value: SqlFragment;
  /** `FROM … [JOIN …] WHERE <correlation with the outer row>`. */
  readonly from: SqlFragment;
}

export interface ResolvedExpression {
  readonly type: 'expression';
  /** SQL in the resolver's dialect; identifiers quoted, values as `?` placeholders. */
  readonly sql: string;
  readonly params: readonly SqlValue[];
  readonly kind: ValueKind;
  /** Defaults to 'none'. */
  readonly affinity?: Affinity;
  /** Defaults to 'auto'. */
  readonly nullFallback?: NullFallback;
  readonly multiMatch?: MultiMatch;
  /** A condition ANDed to every comparison using this field (e.g. email visibility). */
  readonly guard?: SqlFragment;
  /**
   * Treat as a known non-empty value in `=`/`!=` (direct comparison, no NULL/'' folding),
   * as PocketBase does for expressions that carry a bound value of their own.
   */
  readonly knownNonEmpty?: boolean;
}

/** A constant known when compiling (a request value, a modifier result, a missing field). */
export interface ResolvedValue {
  readonly type: 'value';
  /** Numbers are REAL unless `integer`; booleans are the integers 1 and 0 in comparisons. */
  readonly value: string | number | boolean | null;
  readonly integer?: boolean;
}

export type ResolvedField = ResolvedExpression | ResolvedValue;

export interface FieldResolver {
  /** Resolves an identifier; throws FilterError when it is unknown or not allowed. */
  resolve(name: string): ResolvedField;
  /**
   * The main table's insertion-order column (`@rowid` sort), already quoted, or undefined
   * when the source has none (views).
   */
  rowid?(): string | undefined;
}
