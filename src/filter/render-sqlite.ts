// Renders a plan for SQLite: PocketBase's SQL, with `?` placeholders. SQLite's own dynamic
// typing gives the reference semantics, so nothing is converted here.
import type { SqlValue } from '../db/types.js';
import { cat, joinFragments, param, quoteAlias, type Fragment } from './fragment.js';
import type { BoolExpr, Subquery, ValueExpr } from './plan.js';

/** SQLite binds JavaScript numbers as REAL; integers (macros, booleans) bind as INTEGER. */
export function sqliteParam(value: string | number | boolean, integer: boolean): SqlValue {
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'number' && integer && Number.isSafeInteger(value)) return BigInt(value);
  return value;
}

export function renderSqliteValue(v: ValueExpr): Fragment {
  switch (v.t) {
    case 'field':
      return { sql: v.sql, params: v.params };
    case 'param':
      return param(sqliteParam(v.value, v.integer));
    case 'pattern':
      return param(v.value);
    case 'null':
      return cat('NULL');
    case 'int':
      return cat(String(v.value));
    case 'emptyText':
      return cat("''");
    case 'coalesce':
      return cat('COALESCE(', renderSqliteValue(v.value), ", '')");
    case 'subqueryValue':
      return cat(`${quoteAlias(v.alias)}."multiMatchValue"`);
    case 'geoDistance': {
      const [lonA, latA, lonB, latB] = v.args.map(renderSqliteValue) as [Fragment, Fragment, Fragment, Fragment];
      return cat(
        '(6371 * acos(cos(radians(', latA, ')) * cos(radians(', latB, ')) * cos(radians(', lonB, ') - radians(', lonA,
        ')) + sin(radians(', latA, ')) * sin(radians(', latB, '))))',
      );
    }
    case 'strftime': {
      const args = [v.format, ...(v.time ? [v.time] : []), ...v.modifiers].map(renderSqliteValue);
      return cat('strftime(', joinFragments(args, ', '), ')');
    }
  }
}

export function renderSqliteBool(b: BoolExpr): Fragment {
  switch (b.t) {
    case 'compare':
      return cat(renderSqliteValue(b.left), ` ${b.op} `, renderSqliteValue(b.right));
    case 'like': {
      const pattern = b.wrap ? cat("('%' || ", renderSqliteValue(b.right), " || '%')") : renderSqliteValue(b.right);
      return cat(renderSqliteValue(b.left), b.negated ? ' NOT LIKE ' : ' LIKE ', pattern, " ESCAPE '\\'");
    }
    case 'isNull':
      return cat(renderSqliteValue(b.value), b.negated ? ' IS NOT NULL' : ' IS NULL');
    case 'and':
    case 'or':
      return cat('(', joinFragments(b.items.map(renderSqliteBool), b.t === 'and' ? ' AND ' : ' OR '), ')');
    case 'not':
      return cat('NOT (', renderSqliteBool(b.item), ')');
    case 'notExists': {
      const second = b.second ? cat(' LEFT JOIN ', subquery(b.second), ' ON TRUE') : '';
      return cat('NOT EXISTS (SELECT 1 FROM ', subquery(b.first), second, ' WHERE ', renderSqliteBool(b.where), ')');
    }
    case 'raw':
      return { sql: b.sql, params: b.params };
  }
}

function subquery(s: Subquery): Fragment {
  return cat('(SELECT ', renderSqliteValue(s.value), ' AS "multiMatchValue" ', s.from, `) ${quoteAlias(s.alias)}`);
}
