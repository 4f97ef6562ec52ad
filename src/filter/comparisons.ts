// Builds the plan of one comparison with PocketBase's semantics:
// - `=`/`!=` normalise NULL and '' (unless a side disables it), using the cheapest form that
//   is correct: a direct comparison when one side is a known non-empty value, an
//   `x = '' OR x IS NULL` test against an empty side, COALESCE otherwise;
// - `!=` is `IS NOT`, so NULL columns compare as values, never as unknown;
// - `~`/`!~` are LIKE with `%…%` wrapping of literals (see like.ts) or of column operands;
// - without `?`, a multi-valued side must match for every value: the plain comparison is
//   ANDed with NOT EXISTS (a value that does not match).
import type { BaseOperator, Operator } from './ast.js';
import { FilterError } from './errors.js';
import { likePattern } from './like.js';
import type { Operand } from './operands.js';
import type { BoolExpr, CompareOp, Subquery, ValueExpr } from './plan.js';
import { plainNumberText } from './sqlite-values.js';

/** Hands out aliases for multi-match subqueries, unique within one compiled expression. */
export class AliasCounter {
  private n = 0;
  next(prefix: string): string {
    this.n++;
    return `${prefix}${this.n}`;
  }
}

export function buildComparison(left: Operand, op: Operator, right: Operand, aliases: AliasCounter): BoolExpr {
  let expr = baseComparison(left, op.base, right);
  if (!op.any) {
    if (left.multiMatch && right.multiMatch) {
      expr = { t: 'and', items: [expr, manyVsMany(left, op, right, aliases)] };
    } else if (left.multiMatch) {
      expr = { t: 'and', items: [expr, manyVsOne(left, op, right, { inverse: false, aliases })] };
    } else if (right.multiMatch) {
      expr = { t: 'and', items: [expr, manyVsOne(right, op, left, { inverse: true, aliases })] };
    }
  }
  for (const side of [left, right]) {
    if (side.negateAfter) expr = { t: 'not', item: expr };
    if (side.guard) expr = { t: 'and', items: [expr, { t: 'raw', sql: side.guard.sql, params: side.guard.params }] };
  }
  return expr;
}

function baseComparison(left: Operand, op: BaseOperator, right: Operand): BoolExpr {
  switch (op) {
    case '=':
      return equality(true, left, right);
    case '!=':
      return equality(false, left, right);
    case '~':
      return like(false, left, right);
    case '!~':
      return like(true, left, right);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return { t: 'compare', op, left: left.value, right: right.value };
  }
}

const EMPTY: ValueExpr = { t: 'emptyText' };

function isEmptyLiteral(o: Operand): boolean {
  return o.value.t === 'null' || o.value.t === 'emptyText';
}

function isEmpty(o: Operand): boolean {
  return isEmptyLiteral(o) || (o.nullFallback === 'auto' && o.paramCount === 1 && o.hasEmptyParam);
}

function isKnownNonEmpty(o: Operand): boolean {
  if (o.nullFallback === 'enforced') return false;
  if (o.value.t === 'int') return true;
  return o.paramCount > 0 && !o.hasEmptyParam && !isEmptyLiteral(o);
}

function equality(equal: boolean, left: Operand, right: Operand): BoolExpr {
  const eq: CompareOp = equal ? '=' : 'IS NOT';
  const nullEq: CompareOp = equal ? 'IS' : 'IS NOT';
  const join = equal ? 'or' : 'and';
  const isNullTest = (value: ValueExpr): BoolExpr => ({ t: 'isNull', negated: !equal, value });

  if (left.nullFallback === 'disabled' || right.nullFallback === 'disabled') {
    return { t: 'compare', op: nullEq, left: left.value, right: right.value };
  }
  const leftEmpty = isEmpty(left);
  const rightEmpty = isEmpty(right);
  if (leftEmpty && rightEmpty) return { t: 'compare', op: eq, left: EMPTY, right: EMPTY };
  if (isKnownNonEmpty(left) || isKnownNonEmpty(right)) {
    return { t: 'compare', op: eq, left: leftEmpty ? EMPTY : left.value, right: rightEmpty ? EMPTY : right.value };
  }
  if (leftEmpty) {
    return { t: join, items: [{ t: 'compare', op: eq, left: EMPTY, right: right.value }, isNullTest(right.value)] };
  }
  if (rightEmpty) {
    return { t: join, items: [{ t: 'compare', op: eq, left: left.value, right: EMPTY }, isNullTest(left.value)] };
  }
  return { t: 'compare', op: eq, left: { t: 'coalesce', value: left.value }, right: { t: 'coalesce', value: right.value } };
}

/** SQLite refuses longer LIKE patterns (SQLITE_MAX_LIKE_PATTERN_LENGTH, in bytes). */
const MAX_LIKE_PATTERN_BYTES = 50_000;

function like(negated: boolean, left: Operand, right: Operand): BoolExpr {
  if (right.paramCount === 0 || right.value.t === 'field') {
    // A column (or a resolver expression) as pattern: "contains" with its wildcards live.
    return { t: 'like', negated, left: left.value, right: right.value, wrap: true };
  }
  return { t: 'like', negated, left: left.value, right: toPatterns(right.value), wrap: false };
}

/** Turns the literal parameters of a pattern operand into LIKE patterns. */
function toPatterns(value: ValueExpr): ValueExpr {
  switch (value.t) {
    case 'param': {
      const pattern = likePattern(likeText(value.value));
      if (Buffer.byteLength(pattern) > MAX_LIKE_PATTERN_BYTES) {
        throw new FilterError('invalid_operand', 'The text to match is too long.');
      }
      return { t: 'pattern', value: pattern };
    }
    case 'geoDistance':
      return { t: 'geoDistance', args: value.args.map(toPatterns) as unknown as typeof value.args };
    case 'strftime':
      return {
        t: 'strftime',
        format: toPatterns(value.format),
        ...(value.time ? { time: toPatterns(value.time) } : {}),
        modifiers: value.modifiers.map(toPatterns),
      };
    default:
      return value;
  }
}

/** The string a literal becomes in a pattern (PocketBase's string cast). */
function likeText(value: string | number | boolean): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return plainNumberText(value);
}

function subqueryOf(alias: string, o: Operand): Subquery {
  const mm = o.multiMatch as NonNullable<Operand['multiMatch']>;
  return { alias, value: mm.value, from: mm.from };
}

function subqueryValue(alias: string, o: Operand): ValueExpr {
  return { t: 'subqueryValue', alias, source: (o.multiMatch as NonNullable<Operand['multiMatch']>).value };
}

/** NOT EXISTS a value of the multi-valued side that fails the comparison with the other side. */
function manyVsOne(subject: Operand, op: Operator, other: Operand, opts: { inverse: boolean; aliases: AliasCounter }): BoolExpr {
  const alias = opts.aliases.next('__sm');
  const inner: Operand = {
    value: subqueryValue(alias, subject),
    nullFallback: subject.nullFallback,
    paramCount: 0,
    hasEmptyParam: false,
    negateAfter: true,
  };
  // The other side keeps its SQL and values but not its fallback preference or guard.
  const plainOther: Operand = { value: other.value, nullFallback: 'auto', paramCount: other.paramCount, hasEmptyParam: other.hasEmptyParam };
  const where = opts.inverse
    ? buildComparison(plainOther, op, inner, opts.aliases)
    : buildComparison(inner, op, plainOther, opts.aliases);
  return { t: 'notExists', first: subqueryOf(alias, subject), where };
}

/** NOT EXISTS a pair of values (one from each side) that fails the comparison. */
function manyVsMany(left: Operand, op: Operator, right: Operand, aliases: AliasCounter): BoolExpr {
  const leftAlias = aliases.next('__ml');
  const rightAlias = aliases.next('__mr');
  const l: Operand = { value: subqueryValue(leftAlias, left), nullFallback: left.nullFallback, paramCount: 0, hasEmptyParam: false };
  const r: Operand = {
    value: subqueryValue(rightAlias, right),
    nullFallback: right.nullFallback,
    paramCount: 0,
    hasEmptyParam: false,
    negateAfter: true,
  };
  return {
    t: 'notExists',
    first: subqueryOf(leftAlias, left),
    second: subqueryOf(rightAlias, right),
    where: buildComparison(l, op, r, aliases),
  };
}
