// Statements are written with `?` placeholders; PostgreSQL wants `$1..$n`. The rewrite
// must leave alone every `?` that is not a placeholder: inside string literals, quoted
// identifiers, comments and dollar-quoted bodies.
//
// There is no escape for a literal `?` operator outside those places, so PostgreSQL's
// jsonb `?`, `?|`, `?&` operators cannot be written directly: use `jsonb_exists(a, b)`,
// `jsonb_exists_any` or `jsonb_exists_all` instead.
import { BoundedCache } from './bounded-cache.js';

export interface RewrittenSql {
  readonly text: string;
  /** How many placeholders were found (the number of parameters the statement takes). */
  readonly count: number;
}

/** Rewrites `?` placeholders to `$1..$n`, skipping quoted text and comments. */
export function rewritePlaceholders(sql: string): RewrittenSql {
  let out = '';
  let count = 0;
  let i = 0;
  let copiedUpTo = 0;
  const n = sql.length;
  while (i < n) {
    const ch = sql[i] as string;
    if (ch === '?') {
      out += sql.slice(copiedUpTo, i) + '$' + String(++count);
      i++;
      copiedUpTo = i;
    } else if (isIdentStart(ch)) {
      // A whole word at once, so a `$` inside it (a$b) is not taken for a dollar quote,
      // and E'...' is recognised as an escape string.
      const start = i;
      while (i < n && isIdentChar(sql[i] as string)) i++;
      if (sql[i] === "'" && i - start === 1 && (ch === 'E' || ch === 'e')) i = skipQuoted(sql, i, "'", true);
    } else if (ch === "'") {
      i = skipQuoted(sql, i, "'", false);
    } else if (ch === '"') {
      i = skipQuoted(sql, i, '"', false);
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i + 2);
      i = end === -1 ? n : end + 1;
    } else if (ch === '/' && sql[i + 1] === '*') {
      i = skipBlockComment(sql, i);
    } else if (ch === '$') {
      i = skipDollarQuoted(sql, i);
    } else {
      i++;
    }
  }
  return { text: count === 0 ? sql : out + sql.slice(copiedUpTo), count };
}

/** Returns the index just past a quoted run starting at `start` (doubled quotes stay inside). */
function skipQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const ch = sql[i];
    if (backslashEscapes && ch === '\\') {
      i += 2;
    } else if (ch === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return sql.length; // unterminated: the engine will report the syntax error
}

/** PostgreSQL block comments nest. */
function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return sql.length;
}

/** `$tag$ ... $tag$` (tag may be empty); a `$` that does not open one is skipped alone. */
function skipDollarQuoted(sql: string, start: number): number {
  const match = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(start, start + 66));
  if (!match) return start + 1;
  const delimiter = match[0];
  const end = sql.indexOf(delimiter, start + delimiter.length);
  return end === -1 ? sql.length : end + delimiter.length;
}

/** Words: identifiers, keywords and numbers (non-ASCII letters count, as in PostgreSQL). */
function isIdentStart(ch: string): boolean {
  return /[A-Za-z0-9_\u0080-\uffff]/.test(ch);
}

function isIdentChar(ch: string): boolean {
  return /[A-Za-z0-9_$\u0080-\uffff]/.test(ch);
}

/** `rewritePlaceholders` with a per-process cache, since the same statements repeat. */
export class PlaceholderRewriter {
  private readonly cache: BoundedCache<string, RewrittenSql>;

  constructor(limit = 1000) {
    this.cache = new BoundedCache(limit);
  }

  rewrite(sql: string): RewrittenSql {
    let hit = this.cache.get(sql);
    if (hit === undefined) {
      hit = rewritePlaceholders(sql);
      this.cache.set(sql, hit);
    }
    return hit;
  }
}
