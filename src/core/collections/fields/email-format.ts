// The e-mail syntax PocketBase accepts (ozzo-validation's `is.EmailFormat`, which uses
// govalidator's RFC 5322-ish pattern). Go matches that pattern with a linear-time engine;
// a backtracking JS regex of the same shape can take exponential time on crafted input,
// so the language is checked here by a small deterministic scanner instead. Only the
// accepted set of strings matters, and it is the same.

// Letters beyond ASCII that the pattern allows (BMP ranges, no surrogates).
const UCS = '\\u00A0-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFEF';

const ATEXT_RUN = new RegExp(`^[a-zA-Z0-9!#$%&'*+\\-/=?^_\`{|}~${UCS}]+(?:\\.[a-zA-Z0-9!#$%&'*+\\-/=?^_\`{|}~${UCS}]+)*$`, 'u');
// Domain labels before the last dot, taken together (dots may sit anywhere in the middle).
const DOMAIN_HEAD = new RegExp(`^[a-zA-Z0-9${UCS}](?:[a-zA-Z0-9\\-._~${UCS}]*[a-zA-Z0-9${UCS}])?$`, 'u');
// The last label: starts and ends with a letter.
const DOMAIN_TAIL = new RegExp(`^[a-zA-Z${UCS}](?:[a-zA-Z0-9\\-_~${UCS}]*[a-zA-Z${UCS}])?$`, 'u');
const QTEXT = new RegExp(`^[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f\\x21\\x23-\\x5b\\x5d-\\x7e${UCS}]$`, 'u');
// After "(" inside quotes the pattern takes any of these (its take on quoted pairs).
const PAIR_CHAR = new RegExp(`^[\\x01-\\x09\\x0b\\x0c\\x0d-\\x7f${UCS}]$`, 'u');

export function isEmailFormat(value: string): boolean {
  const at = value.lastIndexOf('@');
  if (at <= 0) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  return isDomainPart(domain) && (ATEXT_RUN.test(local) || isQuotedLocal(local));
}

function isDomainPart(domain: string): boolean {
  const body = domain.endsWith('.') ? domain.slice(0, -1) : domain;
  const lastDot = body.lastIndexOf('.');
  if (lastDot <= 0) return false;
  return DOMAIN_HEAD.test(body.slice(0, lastDot)) && DOMAIN_TAIL.test(body.slice(lastDot + 1));
}

/**
 * The quoted form of the local part. govalidator's grouping makes it
 * `("` item`)*` then an optional folding white space and a closing `"` — each item is an
 * optional folding white space plus one quoted-text char or `(` + one more char. So `"`
 * alone and `"a"` pass while `"ab"` does not; only the accepted set matters here, and
 * that is what Go accepts. `(` is also quoted text, so several parses can exist: every
 * reachable item boundary is tracked instead of guessing.
 */
function isQuotedLocal(local: string): boolean {
  const chars = Array.from(local);
  const n = chars.length;
  const reachable = new Array<boolean>(n + 1).fill(false);
  reachable[0] = true;
  for (let p = 0; p < n; p++) {
    if (!reachable[p]) continue;
    for (const q of afterFoldingSpace(chars, p)) {
      if (chars[q] === '"' && q === n - 1) return true;
    }
    if (chars[p] !== '"') continue;
    for (const q of afterFoldingSpace(chars, p + 1)) {
      const c = chars[q];
      if (c === undefined) continue;
      if (QTEXT.test(c)) reachable[q + 1] = true;
      const next = chars[q + 1];
      if (c === '(' && next !== undefined && PAIR_CHAR.test(next)) reachable[q + 2] = true;
    }
  }
  return false;
}

/** Positions where an optional `([ \t]*\r\n)?[ \t]+` starting at `p` can end. */
function afterFoldingSpace(chars: string[], p: number): number[] {
  const ends = [p];
  const isWsp = (c: string | undefined) => c === ' ' || c === '\t';
  let i = p;
  while (isWsp(chars[i])) i++;
  if (i > p) ends.push(i);
  if (chars[i] === '\r' && chars[i + 1] === '\n') {
    let j = i + 2;
    while (isWsp(chars[j])) j++;
    if (j > i + 2) ends.push(j);
  }
  return ends;
}
