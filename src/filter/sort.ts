// The `sort` parameter: comma separated terms, `-name` descending, `+name`/`name` ascending,
// `@random` and `@rowid` (insertion order). Terms resolve through the same FieldResolver as
// filters; only plain expressions (no bound values) can be sorted on.
import type { Dialect } from '../db/types.js';
import type { DialectName } from '../db/types.js';
import { dialectName } from './compile.js';
import { FilterError } from './errors.js';
import { cat, type Fragment } from './fragment.js';
import { MAX_SORT_FIELDS, MAX_SORT_FIELD_LENGTH } from './limits.js';
import { classOfKind, fieldValue } from './render-postgres.js';
import type { FieldResolver, ResolvedField } from './resolver.js';

export type SortDirection = 'ASC' | 'DESC';

export interface SortTerm {
  readonly name: string;
  readonly direction: SortDirection;
}

export const RANDOM_SORT = '@random';
export const ROWID_SORT = '@rowid';

/** Splits a `sort` parameter into terms (no validation of the names). */
export function parseSort(text: string): SortTerm[] {
  if (text.trim() === '') return [];
  return text.split(',').map((raw) => {
    const term = raw.trim();
    if (term.startsWith('-')) return { name: term.slice(1), direction: 'DESC' };
    return { name: term.startsWith('+') ? term.slice(1) : term, direction: 'ASC' };
  });
}

export interface SortOptions {
  readonly resolver: FieldResolver;
  readonly dialect: Dialect | DialectName;
}

/**
 * One ORDER BY key: `expr` is the value sorted on (may include a COLLATE), `order` what
 * follows it (`ASC`, `DESC NULLS LAST`, or '' for `RANDOM()`).
 */
export interface SortKey {
  readonly expr: Fragment;
  readonly order: string;
}

/** Compiles sort terms into ORDER BY keys. Throws FilterError. */
export function compileSortKeys(terms: readonly SortTerm[], options: SortOptions): SortKey[] {
  if (terms.length > MAX_SORT_FIELDS) throw new FilterError('limit', `Too many sort fields (at most ${MAX_SORT_FIELDS}).`);
  return terms.flatMap((term) => compileSortTerm(term, options));
}

/** Compiles sort terms into ORDER BY items (join them with ", "). Throws FilterError. */
export function compileSort(terms: readonly SortTerm[], options: SortOptions): Fragment[] {
  return compileSortKeys(terms, options).map(sortKeyFragment);
}

export function sortKeyFragment(key: SortKey): Fragment {
  return key.order === '' ? key.expr : cat(key.expr, ` ${key.order}`);
}

function invalidSort(name: string): FilterError {
  return new FilterError('invalid_sort', `Invalid sort field ${JSON.stringify(name.slice(0, 60))}.`);
}

function compileSortTerm(term: SortTerm, options: SortOptions): SortKey[] {
  if (term.name.length > MAX_SORT_FIELD_LENGTH) {
    throw new FilterError('limit', `Sort field is too long (at most ${MAX_SORT_FIELD_LENGTH} characters).`);
  }
  const dialect = dialectName(options.dialect);
  if (term.name === RANDOM_SORT) return [{ expr: cat('RANDOM()'), order: '' }];
  if (term.name === ROWID_SORT) {
    const rowid = options.resolver.rowid?.();
    if (!rowid) throw invalidSort(term.name);
    return [{ expr: cat(rowid), order: term.direction }];
  }
  let resolved: ResolvedField;
  try {
    resolved = options.resolver.resolve(term.name);
  } catch (err) {
    if (err instanceof FilterError) throw invalidSort(term.name);
    throw err;
  }
  if (resolved.type !== 'expression' || resolved.params.length > 0 || resolved.sql === '') throw invalidSort(term.name);
  const expr: Fragment = { sql: resolved.sql, params: [] };
  if (dialect === 'sqlite') return [{ expr, order: term.direction }];
  return postgresSortKeys(expr, resolved.kind, term.direction);
}

/**
 * PostgreSQL ordering that matches SQLite's: NULLs before everything, numbers before text,
 * text in byte order.
 */
function postgresSortKeys(expr: Fragment, kind: Parameters<typeof classOfKind>[0], direction: SortDirection): SortKey[] {
  const nulls = direction === 'ASC' ? 'NULLS FIRST' : 'NULLS LAST';
  switch (classOfKind(kind)) {
    case 'text':
      return [{ expr: cat(expr, ' COLLATE "C"'), order: `${direction} ${nulls}` }];
    case 'number':
    case 'bool':
    case 'null':
      return [{ expr, order: `${direction} ${nulls}` }];
    case 'dyn': {
      const v = fieldValue(expr, kind, 'none');
      return [
        { expr: cat('plinth_sort_rank(', v, ')'), order: direction },
        { expr: cat('plinth_sort_num(', v, ')'), order: direction },
        { expr: cat('plinth_sort_text(', v, ') COLLATE "C"'), order: direction },
      ];
    }
  }
}
