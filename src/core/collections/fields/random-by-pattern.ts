// Random strings from a text field's `autogeneratePattern` (e.g. `[a-z0-9]{15}`,
// `users[0-9]{5}`). PocketBase generates them by walking the parsed regular expression;
// it supports literals, character classes, `.`, groups, alternation and repetition, and
// refuses anchors and other zero-width operators. Unbounded repeats (`*`, `+`, `{n,}`)
// stop at 6, and a bounded `{min,max}` picks a count in [min, max) as PocketBase does.
import { randomInt } from 'node:crypto';

/** Returns a uniformly random integer in [0, max). */
export type RandomInt = (max: number) => number;

const UNBOUNDED_REPEAT_MAX = 6;
// `.` produces letters and digits only, so generated values are safe in ids and URLs.
const ANY_CHAR: Range[] = [
  [0x41, 0x5a],
  [0x61, 0x7a],
  [0x30, 0x39],
];
// Negated classes are complemented within printable ASCII.
const PRINTABLE: Range = [0x21, 0x7e];

type Range = [number, number];

type Node =
  | { kind: 'literal'; text: string }
  | { kind: 'class'; ranges: Range[] }
  | { kind: 'concat'; items: Node[] }
  | { kind: 'alternate'; options: Node[] }
  | { kind: 'repeat'; item: Node; min: number; max: number };

export class PatternError extends Error {}

/** A random string matching `pattern`; throws PatternError for unsupported patterns. */
export function randomStringFromPattern(pattern: string, random: RandomInt = randomInt): string {
  const parser = new PatternParser(pattern);
  const tree = parser.parse();
  const out: string[] = [];
  generate(tree, out, random);
  return out.join('');
}

function generate(node: Node, out: string[], random: RandomInt): void {
  switch (node.kind) {
    case 'literal':
      out.push(node.text);
      return;
    case 'class':
      out.push(String.fromCodePoint(pickFromRanges(node.ranges, random)));
      return;
    case 'concat':
      for (const item of node.items) generate(item, out, random);
      return;
    case 'alternate': {
      const option = node.options[random(node.options.length)];
      if (option) generate(option, out, random);
      return;
    }
    case 'repeat': {
      const max = node.max < 0 ? UNBOUNDED_REPEAT_MAX : Math.max(node.max, node.min);
      const count = max === node.min ? node.min : node.min + random(max - node.min);
      for (let i = 0; i < count; i++) generate(node.item, out, random);
      return;
    }
  }
}

function pickFromRanges(ranges: Range[], random: RandomInt): number {
  const total = ranges.reduce((sum, [lo, hi]) => sum + (hi - lo + 1), 0);
  if (total <= 0) throw new PatternError('no runes to choose from');
  let n = random(total);
  for (const [lo, hi] of ranges) {
    const size = hi - lo + 1;
    if (n < size) return lo + n;
    n -= size;
  }
  throw new PatternError('no runes to choose from');
}

const ESCAPE_CLASSES: Record<string, Range[]> = {
  d: [[0x30, 0x39]],
  w: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
  s: [
    [0x09, 0x0a],
    [0x0c, 0x0d],
    [0x20, 0x20],
  ],
};

const CONTROL_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07' };

// Go's syntax operator numbers, which PocketBase puts in its error message.
const ZERO_WIDTH_OPS: Record<string, number> = { '^': 9, $: 10, b: 11, B: 12, A: 9, z: 10 };

class PatternParser {
  private pos = 0;
  private readonly chars: string[];

  constructor(pattern: string) {
    this.chars = Array.from(pattern.replace(/^\(\?[imsU]+\)/, ''));
  }

  parse(): Node {
    const node = this.alternation();
    if (this.pos < this.chars.length) throw new PatternError(`unexpected ) at offset ${this.pos}`);
    return node;
  }

  private peek(): string | undefined {
    return this.chars[this.pos];
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.peek() === '|') {
      this.pos++;
      options.push(this.sequence());
    }
    return options.length === 1 ? (options[0] as Node) : { kind: 'alternate', options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    for (let c = this.peek(); c !== undefined && c !== '|' && c !== ')'; c = this.peek()) {
      items.push(this.quantified(this.atom()));
    }
    return { kind: 'concat', items };
  }

  private quantified(item: Node): Node {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === '*' || c === '+' || c === '?') {
      this.pos++;
      [min, max] = c === '*' ? [0, -1] : c === '+' ? [1, -1] : [0, 1];
    } else if (c === '{' && this.isCountAhead()) {
      [min, max] = this.count();
    } else {
      return item;
    }
    if (this.peek() === '?') this.pos++; // laziness changes nothing when generating
    return { kind: 'repeat', item, min, max };
  }

  private isCountAhead(): boolean {
    return /^\{\d+(?:,\d*)?\}/.test(this.chars.slice(this.pos, this.pos + 24).join(''));
  }

  private count(): [number, number] {
    const match = /^\{(\d+)(,(\d*))?\}/.exec(this.chars.slice(this.pos, this.pos + 24).join('')) as RegExpExecArray;
    this.pos += match[0].length;
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : match[3] === '' ? -1 : Number(match[3]);
    if (min > 1000 || max > 1000) throw new PatternError(`invalid repeat count: \`${match[0]}\``);
    return [min, max];
  }

  private atom(): Node {
    const c = this.chars[this.pos++] as string;
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return { kind: 'class', ranges: this.classBody() };
      case '.':
        return { kind: 'class', ranges: ANY_CHAR };
      case '\\':
        return this.escape();
      case '^':
      case '$':
        throw new PatternError(`unsupported pattern operator ${ZERO_WIDTH_OPS[c]}`);
      case '*':
      case '+':
      case '?':
        throw new PatternError(`missing argument to repetition operator: \`${c}\``);
      default:
        return { kind: 'literal', text: c };
    }
  }

  private group(): Node {
    if (this.peek() === '?') {
      const ahead = this.chars.slice(this.pos, this.pos + 64).join('');
      const named = /^\?P?<\w+>/.exec(ahead);
      if (ahead.startsWith('?:')) this.pos += 2;
      else if (named) this.pos += named[0].length;
      else throw new PatternError('invalid or unsupported Perl syntax: `(?`');
    }
    const inner = this.alternation();
    if (this.chars[this.pos++] !== ')') throw new PatternError('missing closing ): `(`');
    return inner;
  }

  private escape(): Node {
    const c = this.chars[this.pos++];
    if (c === undefined) throw new PatternError('trailing backslash at end of expression');
    const ops = ZERO_WIDTH_OPS[c];
    if (ops !== undefined && /[bBAz]/.test(c)) throw new PatternError(`unsupported pattern operator ${ops}`);
    const lower = c.toLowerCase();
    const cls = ESCAPE_CLASSES[lower];
    if (cls) return { kind: 'class', ranges: c === lower ? cls : complement(cls) };
    const control = CONTROL_ESCAPES[c];
    if (control) return { kind: 'literal', text: control };
    if (/[a-zA-Z0-9]/.test(c)) throw new PatternError(`invalid escape sequence: \`\\${c}\``);
    return { kind: 'literal', text: c };
  }

  private classBody(): Range[] {
    let negate = false;
    if (this.peek() === '^') {
      negate = true;
      this.pos++;
    }
    const ranges: Range[] = [];
    let first = true;
    for (;;) {
      const c = this.chars[this.pos++];
      if (c === undefined) throw new PatternError('missing closing ]');
      if (c === ']' && !first) break;
      first = false;
      if (c === '[' && this.peek() === ':') {
        ranges.push(...this.posixClass());
        continue;
      }
      const lo = this.classChar(c);
      if (Array.isArray(lo)) {
        ranges.push(...lo);
        continue;
      }
      if (this.peek() === '-' && this.chars[this.pos + 1] !== ']' && this.chars[this.pos + 1] !== undefined) {
        this.pos++;
        const hi = this.classChar(this.chars[this.pos++] as string);
        if (Array.isArray(hi) || hi < lo) throw new PatternError('invalid character class range');
        ranges.push([lo, hi]);
      } else {
        ranges.push([lo, lo]);
      }
    }
    return negate ? complement(ranges) : ranges;
  }

  private classChar(c: string): number | Range[] {
    if (c !== '\\') return c.codePointAt(0) as number;
    const e = this.chars[this.pos++];
    if (e === undefined) throw new PatternError('missing closing ]');
    const cls = ESCAPE_CLASSES[e.toLowerCase()];
    if (cls) return e === e.toLowerCase() ? cls : complement(cls);
    const control = CONTROL_ESCAPES[e];
    return (control ?? e).codePointAt(0) as number;
  }

  private posixClass(): Range[] {
    const ahead = this.chars.slice(this.pos, this.pos + 12).join('');
    const match = /^:(\w+):\]/.exec(ahead);
    const name = match?.[1];
    const ranges = name ? POSIX_RANGES[name] : undefined;
    if (!match || !ranges) throw new PatternError('invalid character class range');
    this.pos += match[0].length;
    return ranges;
  }
}

const POSIX_RANGES: Record<string, Range[]> = {
  alpha: [
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  digit: [[0x30, 0x39]],
  alnum: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  lower: [[0x61, 0x7a]],
  upper: [[0x41, 0x5a]],
  xdigit: [
    [0x30, 0x39],
    [0x41, 0x46],
    [0x61, 0x66],
  ],
  word: ESCAPE_CLASSES.w as Range[],
};

/** The printable-ASCII characters not in `ranges`. */
function complement(ranges: Range[]): Range[] {
  const out: Range[] = [];
  let next = PRINTABLE[0];
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, Math.min(lo - 1, PRINTABLE[1])]);
    next = Math.max(next, hi + 1);
    if (next > PRINTABLE[1]) break;
  }
  if (next <= PRINTABLE[1]) out.push([next, PRINTABLE[1]]);
  return out.filter(([lo, hi]) => lo <= hi);
}
