// SQL text with its positional parameters, concatenated in order. Keeping text and values
// together is what keeps `?` placeholders and bound values aligned.
import type { SqlValue } from '../db/types.js';
import type { SqlFragment } from './resolver.js';

export interface Fragment extends SqlFragment {
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

/** Concatenates raw SQL strings and fragments. */
export function cat(...parts: ReadonlyArray<string | SqlFragment>): Fragment {
  let sql = '';
  const params: SqlValue[] = [];
  for (const part of parts) {
    if (typeof part === 'string') {
      sql += part;
    } else {
      sql += part.sql;
      params.push(...part.params);
    }
  }
  return { sql, params };
}

/** Joins fragments with a separator. */
export function joinFragments(parts: readonly SqlFragment[], separator: string): Fragment {
  const pieces: Array<string | SqlFragment> = [];
  parts.forEach((part, i) => {
    if (i > 0) pieces.push(separator);
    pieces.push(part);
  });
  return cat(...pieces);
}

export function param(value: SqlValue): Fragment {
  return { sql: '?', params: [value] };
}

export function quoteAlias(alias: string): string {
  return `"${alias.replaceAll('"', '""')}"`;
}
