// LIKE patterns built from a literal: `title ~ 'abc'` means "contains abc". A value without an
// unescaped `%` is wrapped in `%…%` with its `\`, `%` and `_` escaped (unless already escaped);
// a value with an unescaped `%` is used as the pattern unchanged. The escape character is `\`.

const ESCAPE = '\\';

/** Whether `text` has `ch` not preceded by an escaping backslash (`\\` escapes itself). */
export function hasUnescaped(text: string, ch: string): boolean {
  let prev = '';
  for (const c of text) {
    if (c === ch && prev !== ESCAPE) return true;
    prev = c === ESCAPE && prev === ESCAPE ? '' : c;
  }
  return false;
}

/**
 * Escapes every `\`, `%` and `_` that is not already escaped. Scans from the end so that a
 * backslash directly before a special character counts as its escape.
 */
export function escapeLikeSpecials(text: string): string {
  const chars = Array.from(text);
  const out: string[] = [];
  let pending = false;
  for (let i = chars.length - 1; i >= 0; i--) {
    const c = chars[i] as string;
    if (pending) {
      if (c !== ESCAPE) out.push(ESCAPE);
      pending = false;
    } else if (c === ESCAPE || c === '%' || c === '_') {
      pending = true;
    }
    out.push(c);
    if (i === 0 && pending) out.push(ESCAPE);
  }
  return out.reverse().join('');
}

/** The pattern a literal right operand of `~`/`!~` stands for. */
export function likePattern(value: string): string {
  if (hasUnescaped(value, '%')) return value;
  return `%${escapeLikeSpecials(value)}%`;
}

/**
 * Whether a pattern ends with a lone escape character. SQLite never matches such a pattern
 * (PostgreSQL raises an error), so the compiler turns it into a constant non-match.
 */
export function endsWithLoneEscape(pattern: string): boolean {
  let count = 0;
  for (let i = pattern.length - 1; i >= 0 && pattern[i] === ESCAPE; i--) count++;
  return count % 2 === 1;
}
