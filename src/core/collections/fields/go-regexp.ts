// Field patterns (text/password `pattern`) are Go RE2 expressions, stored in PocketBase's
// JSON. We run them with JS RegExp after translating the few RE2 spellings JS lacks, and
// reject what RE2 would reject (look-arounds, back-references) so a pattern accepted here
// stays valid for PocketBase reading the same data.

export type CompiledPattern = { ok: true; regexp: RegExp } | { ok: false; error: string };

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-/:-@[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const cache = new Map<string, CompiledPattern>();
const CACHE_LIMIT = 500;

/** Compiles a Go regular expression for matching (cached). */
export function compileGoPattern(pattern: string): CompiledPattern {
  let compiled = cache.get(pattern);
  if (!compiled) {
    compiled = compile(pattern);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(pattern, compiled);
  }
  return compiled;
}

/** Go's `regexp.MatchString(pattern, value)`: an unanchored search; false on a bad pattern. */
export function matchesGoPattern(pattern: string, value: string): boolean {
  const compiled = compileGoPattern(pattern);
  return compiled.ok && compiled.regexp.test(value);
}

function compile(pattern: string): CompiledPattern {
  const unsupported = findUnsupported(pattern);
  if (unsupported) return { ok: false, error: `error parsing regexp: invalid or unsupported Perl syntax: \`${unsupported}\`` };
  let source = pattern;
  let flags = '';
  const leading = /^\(\?([imsU]+)\)/.exec(source);
  if (leading) {
    const groupFlags = leading[1] ?? '';
    if (groupFlags.includes('U')) {
      return { ok: false, error: 'error parsing regexp: ungreedy mode is not supported' };
    }
    flags = groupFlags;
    source = source.slice(leading[0].length);
  }
  source = source
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$')
    .replace(/\\p([A-Z])/g, '\\p{$1}')
    .replace(/\\P([A-Z])/g, '\\P{$1}')
    .replace(/\[:(\^?)([a-z]+):\]/g, (whole, negate: string, name: string) => {
      const chars = POSIX_CLASSES[name];
      return chars && negate === '' ? chars : whole;
    });
  for (const extra of ['u', '']) {
    try {
      return { ok: true, regexp: new RegExp(source, flags + extra) };
    } catch (e) {
      if (extra === '') return { ok: false, error: `error parsing regexp: ${(e as Error).message}` };
    }
  }
  return { ok: false, error: 'error parsing regexp' };
}

/** The first RE2-incompatible construct in the pattern (outside character classes). */
function findUnsupported(pattern: string): string | null {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && /[1-9]/.test(next)) return `\\${next}`;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++; // a leading ] is a literal
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2);
      if (/^(?:=|!|<=|<!)/.test(rest)) return `(?${rest.slice(0, rest.startsWith('<') ? 2 : 1)}`;
      // Inline flag groups other than a leading (?flags) have no JS equivalent on Node 20.
      if (i > 0 && /^[imsU-]+[:)]/.test(rest)) return `(?${rest.slice(0, rest.search(/[:)]/) + 1)}`;
    }
  }
  return null;
}
