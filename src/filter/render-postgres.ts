// Renders a plan for PostgreSQL so that it returns exactly what SQLite returns for the same
// plan. PostgreSQL is statically typed; SQLite compares values by storage class after
// applying column affinities. Every value is therefore rendered with a static class:
//   text   → TEXT,   number → DOUBLE PRECISION,   bool → BOOLEAN (SQLite's 0/1),
//   dyn    → JSONB holding an SQLite value (a JSON number or string; SQL NULL for NULL),
//   null   → the NULL literal.
// Comparisons apply SQLite's affinity rules (converting literals here, in JavaScript, and
// anything else with the helper functions of postgres-functions.ts), then compare:
// same class directly (text with COLLATE "C", SQLite's byte order), number against text
// as SQLite orders storage classes (numbers first), anything dynamic with plinth_cmp.
import type { SqlValue } from '../db/types.js';
import { cat, joinFragments, param, quoteAlias, type Fragment } from './fragment.js';
import { endsWithLoneEscape } from './like.js';
import type { BoolExpr, CompareOp, Subquery, ValueExpr } from './plan.js';
import type { Affinity, ValueKind } from './resolver.js';
import { numericAffinity, sqliteNumberText } from './sqlite-values.js';

export type PgClass = 'text' | 'number' | 'bool' | 'dyn' | 'null';

export interface Typed extends Fragment {
  readonly cls: PgClass;
  readonly aff: Affinity;
  /** The constant behind a bound literal, for conversions done at compile time. */
  readonly lit?: { readonly text: string } | { readonly num: number; readonly real: boolean };
}

const typed = (f: Fragment, cls: PgClass, aff: Affinity = 'none'): Typed => ({ ...f, cls, aff });

/**
 * PostgreSQL text cannot hold NUL characters (binding one is an error): they are dropped.
 * No stored PostgreSQL value contains one, so only comparisons with such a literal differ.
 */
function textParam(value: string): Typed {
  const text = value.includes('\u0000') ? value.replaceAll('\u0000', '') : value;
  return { ...cat('CAST(', param(text), ' AS TEXT)'), cls: 'text', aff: 'none', lit: { text } };
}

function numberParam(num: number, real: boolean): Typed {
  return { ...cat('CAST(', param(num as SqlValue), ' AS DOUBLE PRECISION)'), cls: 'number', aff: 'none', lit: { num, real } };
}

const NULL_VALUE: Typed = typed(cat('NULL'), 'null');
const EMPTY_TEXT: Typed = { ...cat("CAST('' AS TEXT)"), cls: 'text', aff: 'none', lit: { text: '' } };

/** The class a resolver expression of a given kind is rendered with. */
export function classOfKind(kind: ValueKind): PgClass {
  switch (kind) {
    case 'text':
    case 'date':
      return 'text';
    case 'number':
      return 'number';
    case 'bool':
      return 'bool';
    case 'json':
    case 'unknown':
      return 'dyn';
  }
}

/** Wraps a resolver expression of the given kind as a typed value. */
export function fieldValue(f: Fragment, kind: ValueKind, aff: Affinity): Typed {
  switch (kind) {
    case 'json':
      return typed(cat('plinth_sqlv(', f, ')'), 'dyn', aff);
    case 'unknown':
      return typed(cat('plinth_sqlv(to_jsonb(', f, '))'), 'dyn', aff);
    default:
      return typed(f, classOfKind(kind), aff);
  }
}

export function renderPgValue(v: ValueExpr): Typed {
  switch (v.t) {
    case 'field':
      return fieldValue({ sql: v.sql, params: v.params }, v.kind, v.affinity);
    case 'param':
      if (typeof v.value === 'string') return textParam(v.value);
      if (typeof v.value === 'boolean') return numberParam(v.value ? 1 : 0, false);
      return numberParam(v.value, !v.integer);
    case 'pattern':
      return textParam(v.value);
    case 'null':
      return NULL_VALUE;
    case 'int':
      return { ...cat(String(v.value)), cls: 'number', aff: 'none', lit: { num: v.value, real: false } };
    case 'emptyText':
      return EMPTY_TEXT;
    case 'coalesce':
      return coalesceEmpty(renderPgValue(v.value));
    case 'subqueryValue': {
      const source = renderPgValue(v.source);
      return typed(cat(`${quoteAlias(v.alias)}."multiMatchValue"`), source.cls, source.aff);
    }
    case 'geoDistance':
      return typed(cat('plinth_geo_distance(', joinFragments(v.args.map((a) => mathNumber(renderPgValue(a))), ', '), ')'), 'number');
    case 'strftime': {
      const time = v.time ? toDyn(renderPgValue(v.time)) : cat("to_jsonb(CAST('now' AS TEXT))");
      const modifiers = v.modifiers.map((m) => toText(renderPgValue(m)));
      const array = modifiers.length > 0 ? cat('ARRAY[', joinFragments(modifiers, ', '), ']') : cat('CAST(ARRAY[] AS TEXT[])');
      return typed(cat('plinth_strftime(', toText(renderPgValue(v.format)), ', ', time, ', ', array, ')'), 'text');
    }
  }
}

/** COALESCE(x, ''): keeps the value's class when it is text, becomes dynamic otherwise. */
function coalesceEmpty(x: Typed): Typed {
  if (x.lit) return { ...x, aff: 'none' };
  switch (x.cls) {
    case 'text':
      return typed(cat('COALESCE(', x, ", '')"), 'text');
    case 'null':
      return EMPTY_TEXT;
    case 'number':
    case 'bool':
    case 'dyn':
      return typed(cat('COALESCE(', toDyn(x), ", to_jsonb(CAST('' AS TEXT)))"), 'dyn');
  }
}


function asNumber(x: Typed): Fragment {
  return x.cls === 'bool' ? cat('CAST(', x, ' AS INT)') : x;
}

export function toDyn(x: Typed): Fragment {
  switch (x.cls) {
    case 'dyn':
      return x;
    case 'null':
      return cat('CAST(NULL AS JSONB)');
    case 'text':
    case 'number':
      return cat('to_jsonb(', x, ')');
    case 'bool':
      return cat('to_jsonb(CAST(', x, ' AS INT))');
  }
}

/** The text SQLite would see when it needs a value as text (LIKE, strftime arguments). */
export function toText(x: Typed): Fragment {
  switch (x.cls) {
    case 'text':
      return x;
    case 'null':
      return cat('CAST(NULL AS TEXT)');
    case 'number':
      if (x.lit && 'num' in x.lit) return textParam(sqliteNumberText(x.lit.num, x.lit.real));
      return cat('plinth_num_text(', x, ')');
    case 'bool':
      return cat('CAST(CAST(', x, ' AS INT) AS TEXT)');
    case 'dyn':
      return cat('plinth_text_v(', x, ')');
  }
}

/** A resolver expression of the given kind as the text SQLite would see (LOWER, LIKE). */
export function pgTextOf(f: Fragment, kind: ValueKind): Fragment {
  return toText(fieldValue(f, kind, 'none'));
}

/** A value as an argument of a math function: numbers, numeric-looking text, else NULL. */
function mathNumber(x: Typed): Fragment {
  switch (x.cls) {
    case 'number':
    case 'bool':
      return asNumber(x);
    case 'null':
      return cat('CAST(NULL AS DOUBLE PRECISION)');
    case 'text': {
      if (x.lit && 'text' in x.lit) {
        const n = numericAffinity(x.lit.text);
        return n === undefined ? cat('CAST(NULL AS DOUBLE PRECISION)') : numberParam(n, true);
      }
      return cat('plinth_text_num(', x, ')');
    }
    case 'dyn':
      return cat('plinth_num_v(', x, ')');
  }
}

/** NUMERIC affinity applied to a value. */
function numericAff(x: Typed): Typed {
  switch (x.cls) {
    case 'text': {
      if (x.lit && 'text' in x.lit) {
        const n = numericAffinity(x.lit.text);
        return n === undefined ? x : numberParam(n, !Number.isInteger(n));
      }
      return typed(cat('plinth_numaff(', x, ')'), 'dyn');
    }
    case 'dyn':
      return typed(cat('plinth_numaff_v(', x, ')'), 'dyn');
    case 'number':
    case 'bool':
    case 'null':
      return x;
  }
}

/** TEXT affinity applied to a value. */
function textAff(x: Typed): Typed {
  switch (x.cls) {
    case 'number':
      if (x.lit && 'num' in x.lit) return textParam(sqliteNumberText(x.lit.num, x.lit.real));
      return typed(cat('plinth_num_text(', x, ')'), 'text');
    case 'bool':
      return typed(cat('CAST(CAST(', x, ' AS INT) AS TEXT)'), 'text');
    case 'dyn':
      return typed(cat('plinth_textaff_v(', x, ')'), 'dyn');
    case 'text':
    case 'null':
      return x;
  }
}

/** SQLite's rule: numeric affinity wins over text/none; text affinity wins over none. */
function applyAffinity(l: Typed, r: Typed): [Typed, Typed] {
  if (l.aff === 'numeric' && r.aff !== 'numeric') return [l, numericAff(r)];
  if (r.aff === 'numeric' && l.aff !== 'numeric') return [numericAff(l), r];
  if (l.aff === 'text' && r.aff === 'none') return [l, textAff(r)];
  if (r.aff === 'text' && l.aff === 'none') return [textAff(l), r];
  return [l, r];
}

const isNumeric = (x: Typed) => x.cls === 'number' || x.cls === 'bool';

function compare(op: CompareOp, left: Typed, right: Typed): Fragment {
  const [l, r] = applyAffinity(left, right);
  if (l.cls === 'null' || r.cls === 'null') {
    const other = l.cls === 'null' ? r : l;
    if (op === 'IS') return other.cls === 'null' ? cat('TRUE') : cat('(', other, ' IS NULL)');
    if (op === 'IS NOT') return other.cls === 'null' ? cat('FALSE') : cat('(', other, ' IS NOT NULL)');
    return cat('CAST(NULL AS BOOLEAN)');
  }
  if (l.cls === 'dyn' || r.cls === 'dyn') {
    const args = cat(toDyn(l), ', ', toDyn(r));
    if (op === 'IS') return cat('plinth_is(', args, ')');
    if (op === 'IS NOT') return cat('NOT plinth_is(', args, ')');
    return cat('(plinth_cmp(', args, `) ${op} 0)`);
  }
  if (l.cls === 'text' && r.cls === 'text') {
    if (op === 'IS') return cat(l, ' IS NOT DISTINCT FROM ', r);
    if (op === 'IS NOT') return cat(l, ' IS DISTINCT FROM ', r);
    if (op === '=') return cat(l, ' = ', r);
    return cat(l, ` ${op} `, r, ' COLLATE "C"');
  }
  if (isNumeric(l) && isNumeric(r)) {
    const ln = asNumber(l);
    const rn = asNumber(r);
    if (op === 'IS') return cat(ln, ' IS NOT DISTINCT FROM ', rn);
    if (op === 'IS NOT') return cat(ln, ' IS DISTINCT FROM ', rn);
    return cat(ln, ` ${op} `, rn);
  }
  // A number against a text: never equal; SQLite orders every number before every text.
  if (op === 'IS') return cat('(', l, ' IS NULL AND ', r, ' IS NULL)');
  if (op === 'IS NOT') return cat('NOT (', l, ' IS NULL AND ', r, ' IS NULL)');
  const leftIsNumber = isNumeric(l);
  const holds = op === '=' ? false : op === '<' || op === '<=' ? leftIsNumber : !leftIsNumber;
  return cat('CASE WHEN ', l, ' IS NULL OR ', r, ` IS NULL THEN NULL ELSE ${holds ? 'TRUE' : 'FALSE'} END`);
}

function like(b: Extract<BoolExpr, { t: 'like' }>): Fragment {
  const left = renderPgValue(b.left);
  const right = renderPgValue(b.right);
  const l = toText(left);
  const not = b.negated ? 'NOT ' : '';
  if (b.wrap) {
    return cat(not, 'plinth_lower(', l, ") LIKE plinth_lower('%' || ", toText(right), " || '%') ESCAPE '\\'");
  }
  if (right.lit && 'text' in right.lit) {
    // SQLite never matches a pattern ending in a lone escape; PostgreSQL would raise.
    if (endsWithLoneEscape(right.lit.text)) return cat('CASE WHEN ', l, ` IS NULL THEN NULL ELSE ${b.negated ? 'TRUE' : 'FALSE'} END`);
    return cat(not, 'plinth_lower(', l, ') LIKE plinth_lower(', right, ") ESCAPE '\\'");
  }
  return cat(not, 'plinth_like(', l, ', ', toText(right), ')');
}

export function renderPgBool(b: BoolExpr): Fragment {
  switch (b.t) {
    case 'compare':
      return compare(b.op, renderPgValue(b.left), renderPgValue(b.right));
    case 'like':
      return like(b);
    case 'isNull':
      return cat(renderPgValue(b.value), b.negated ? ' IS NOT NULL' : ' IS NULL');
    case 'and':
    case 'or':
      return cat('(', joinFragments(b.items.map(renderPgBool), b.t === 'and' ? ' AND ' : ' OR '), ')');
    case 'not':
      return cat('NOT (', renderPgBool(b.item), ')');
    case 'notExists': {
      const second = b.second ? cat(' LEFT JOIN ', subquery(b.second), ' ON TRUE') : '';
      return cat('NOT EXISTS (SELECT 1 FROM ', subquery(b.first), second, ' WHERE ', renderPgBool(b.where), ')');
    }
    case 'raw':
      return { sql: b.sql, params: b.params };
  }
}

function subquery(s: Subquery): Fragment {
  return cat('(SELECT ', renderPgValue(s.value), ' AS "multiMatchValue" ', s.from, `) AS ${quoteAlias(s.alias)}`);
}
