// Turns AST operands into plan values: literals, macros, resolver fields, the keyword
// fallbacks (null/true/false) and the filter functions.
import type { Clock } from '../lib/clock.js';
import type { OperandNode } from './ast.js';
import { FilterError } from './errors.js';
import { resolveMacro } from './macros.js';
import type { ValueExpr } from './plan.js';
import type { FieldResolver, NullFallback, ResolvedField, SqlFragment } from './resolver.js';

/** One side of a comparison, with what PocketBase's `=`/`!=` rules need to know about it. */
export interface Operand {
  readonly value: ValueExpr;
  readonly nullFallback: NullFallback;
  /** How many bound values the operand carries, and whether one of them is NULL or ''. */
  readonly paramCount: number;
  readonly hasEmptyParam: boolean;
  readonly multiMatch?: { readonly value: ValueExpr; readonly from: SqlFragment };
  readonly guard?: SqlFragment;
  /** Negate the finished comparison (the inner test of a multi-match NOT EXISTS). */
  readonly negateAfter?: boolean;
}

export interface OperandContext {
  readonly resolver: FieldResolver;
  readonly clock: Clock;
}

const KEYWORDS: Readonly<Record<string, ValueExpr>> = {
  null: { t: 'null' },
  true: { t: 'int', value: 1 },
  false: { t: 'int', value: 0 },
};

export function constantOperand(value: ValueExpr, nullFallback: NullFallback = 'auto'): Operand {
  const isParam = value.t === 'param';
  return { value, nullFallback, paramCount: isParam ? 1 : 0, hasEmptyParam: isParam && value.value === '' };
}

export function buildOperand(node: OperandNode, ctx: OperandContext): Operand {
  switch (node.type) {
    case 'text':
      return constantOperand({ t: 'param', value: node.value, integer: false });
    case 'number':
      return constantOperand({ t: 'param', value: node.value, integer: false });
    case 'identifier':
      return identifierOperand(node.name, ctx);
    case 'function':
      return functionOperand(node, ctx);
  }
}

function identifierOperand(name: string, ctx: OperandContext): Operand {
  const macro = resolveMacro(name, ctx.clock);
  if (macro) return constantOperand({ t: 'param', value: macro.value, integer: macro.integer });
  let resolved: ResolvedField;
  try {
    resolved = ctx.resolver.resolve(name);
  } catch (err) {
    // An unknown `null`/`true`/`false` (any case) is the keyword.
    const keyword = KEYWORDS[name.toLowerCase()];
    if (keyword && err instanceof FilterError) return constantOperand(keyword);
    throw err;
  }
  return fieldOperand(resolved);
}

export function fieldOperand(resolved: ResolvedField): Operand {
  if (resolved.type === 'value') {
    const { value } = resolved;
    if (value === null) return constantOperand({ t: 'null' });
    return constantOperand({ t: 'param', value, integer: typeof value === 'boolean' || resolved.integer === true });
  }
  const affinity = resolved.affinity ?? 'none';
  const value: ValueExpr = { t: 'field', sql: resolved.sql, params: resolved.params, kind: resolved.kind, affinity };
  const mm = resolved.multiMatch;
  return {
    value,
    nullFallback: resolved.nullFallback ?? 'auto',
    paramCount: resolved.knownNonEmpty ? Math.max(1, resolved.params.length) : resolved.params.length,
    hasEmptyParam: !resolved.knownNonEmpty && resolved.params.some((p) => p === '' || p === null),
    ...(mm
      ? { multiMatch: { value: { t: 'field', sql: mm.value.sql, params: mm.value.params, kind: resolved.kind, affinity }, from: mm.from } }
      : {}),
    ...(resolved.guard ? { guard: resolved.guard } : {}),
  };
}

function functionOperand(node: Extract<OperandNode, { type: 'function' }>, ctx: OperandContext): Operand {
  switch (node.name) {
    case 'geoDistance':
      return geoDistanceOperand(node.args, ctx);
    case 'strftime':
      return strftimeOperand(node.args, ctx);
    default:
      throw new FilterError('unknown_function', `Unknown function ${JSON.stringify(node.name.slice(0, 40))}.`);
  }
}

/**
 * geoDistance(lonA, latA, lonB, latB): the haversine distance in kilometres. Arguments are
 * identifiers or numbers; multi-valued arguments match when any combination does (no
 * "all values" constraint, like SQLite's own functions).
 */
function geoDistanceOperand(args: readonly OperandNode[], ctx: OperandContext): Operand {
  if (args.length !== 4) throw new FilterError('invalid_operand', `geoDistance expects 4 arguments, got ${args.length}.`);
  const operands = args.map((arg, i) => {
    if (arg.type !== 'identifier' && arg.type !== 'number') {
      throw new FilterError('invalid_operand', `geoDistance argument ${i + 1} must be an identifier or a number.`);
    }
    return buildOperand(arg, ctx);
  });
  const [a, b, c, d] = operands as [Operand, Operand, Operand, Operand];
  return {
    value: { t: 'geoDistance', args: [a.value, b.value, c.value, d.value] },
    nullFallback: 'disabled',
    ...paramsOf(operands),
  };
}

const MAX_STRFTIME_ARGS = 10;

/**
 * strftime(format[, timeValue, modifier…]): SQLite's strftime with NULL normalised to ''.
 * A multi-valued time value keeps its "all values" constraint.
 */
function strftimeOperand(args: readonly OperandNode[], ctx: OperandContext): Operand {
  if (args.length < 1) throw new FilterError('invalid_operand', 'strftime expects at least 1 argument.');
  if (args.length > MAX_STRFTIME_ARGS) {
    throw new FilterError('invalid_operand', `strftime accepts at most ${MAX_STRFTIME_ARGS} arguments, got ${args.length}.`);
  }
  const [formatNode, timeNode, ...modifierNodes] = args as [OperandNode, ...OperandNode[]];
  if (formatNode.type !== 'text') throw new FilterError('invalid_operand', 'strftime expects a text format as its first argument.');
  const format = buildOperand(formatNode, ctx);
  if (!timeNode) {
    return { value: { t: 'strftime', format: format.value, modifiers: [] }, nullFallback: 'enforced', ...paramsOf([format]) };
  }
  if (timeNode.type === 'function') throw new FilterError('invalid_operand', 'strftime expects a text, number or identifier time value.');
  const time = buildOperand(timeNode, ctx);
  const modifiers = modifierNodes.map((node, i) => {
    if (node.type !== 'text') throw new FilterError('invalid_operand', `strftime modifier ${i + 1} must be a text.`);
    return buildOperand(node, ctx);
  });
  const modifierValues = modifiers.map((m) => m.value);
  const mm = time.multiMatch;
  return {
    value: { t: 'strftime', format: format.value, time: time.value, modifiers: modifierValues },
    nullFallback: 'enforced',
    ...paramsOf([format, time, ...modifiers]),
    ...(mm ? { multiMatch: { value: { t: 'strftime', format: format.value, time: mm.value, modifiers: modifierValues }, from: mm.from } } : {}),
  };
}

function paramsOf(operands: readonly Operand[]): { paramCount: number; hasEmptyParam: boolean } {
  return {
    paramCount: operands.reduce((n, o) => n + o.paramCount, 0),
    hasEmptyParam: operands.some((o) => o.hasEmptyParam),
  };
}
