// Splits loosely structured SQL fragments (index column lists, view select lists) at
// separator characters that are not inside parentheses or quotes. Index definitions and
// view queries come from superusers as free text, so the split has to tolerate anything
// and report imbalance instead of guessing.

const WHITESPACE = ['\t', '\n', '\v', '\f', '\r', ' ', '\u0085', '\u00a0'];
const QUOTES = new Set(["'", '"', '`']);

export interface SplitOptions {
  /** Characters that end a token (default `,`). */
  separators?: readonly string[];
  /** Keep the separator that ended a token at its end. */
  keepSeparator?: boolean;
}

export class UnbalancedSqlError extends Error {
  constructor() {
    super('unbalanced parenthesis or quoted expression');
    this.name = 'UnbalancedSqlError';
  }
}

/**
 * Tokens of `text` split at top-level separators, each trimmed of whitespace that is not
 * itself a separator; empty tokens are dropped. A backslash protects the next character
 * from being read as a quote or parenthesis. Throws `UnbalancedSqlError` when a quote or
 * parenthesis is left open.
 */
export function splitTopLevel(text: string, options: SplitOptions = {}): string[] {
  const separators = new Set(options.separators ?? [',']);
  const trimChars = new Set(WHITESPACE.filter((c) => !separators.has(c)));
  const chars = Array.from(text);
  const tokens: string[] = [];
  let i = 0;

  while (i < chars.length) {
    let buf = '';
    let depth = 0;
    let quote = '';
    let prev = '';
    for (; i < chars.length; i++) {
      const ch = chars[i] as string;
      if (prev !== '\\') {
        if (ch === '(' && quote === '') depth++;
        else if (ch === ')' && depth > 0 && quote === '') depth--;
        else if (QUOTES.has(ch)) {
          if (quote === ch) quote = '';
          else if (quote === '') quote = ch;
        }
      }
      if (separators.has(ch) && depth === 0 && quote === '') {
        if (options.keepSeparator) buf += ch;
        i++;
        break;
      }
      prev = ch;
      buf += ch;
    }
    if (depth > 0 || quote !== '') throw new UnbalancedSqlError();
    const token = trimSet(buf, trimChars);
    if (token !== '') tokens.push(token);
  }
  return tokens;
}

/** Trims every character of `set` from both ends of `text`. */
export function trimSet(text: string, set: ReadonlySet<string>): string {
  let start = 0;
  let end = text.length;
  while (start < end && set.has(text[start] as string)) start++;
  while (end > start && set.has(text[end - 1] as string)) end--;
  return text.slice(start, end);
}

/** Trims every character of `chars` from both ends of `text`. */
export function trimChars(text: string, chars: string): string {
  return trimSet(text, new Set(chars));
}
