// Turns filter text into tokens. The lexical rules follow PocketBase's filter grammar:
//   identifiers  start with a letter, `@`, `_` or `#`, continue with letters, digits, `_`, `.`, `:`
//                and may not end with `.`/`:` nor be a lone special character;
//   functions    an identifier immediately followed by `(`: comma separated identifier, number,
//                text or nested function arguments (at most 3 levels), comments allowed inside;
//   numbers      an optional leading `-`, digits and at most one `.` that may not end the number;
//   text         single or double quoted; a quote preceded by `\` does not end the text and
//                `\<quote>` unescapes to the quote, every other backslash is kept as is;
//   comments     `//` up to the end of the line;
//   operators    `= != ~ !~ < <= > >=` and their `?`-prefixed "any" variants; joins `&&` `||`.
// Whitespace is space, tab and newline (and carriage return, which PocketBase rejects).
import type { BaseOperator, OperandNode, Operator } from './ast.js';
import { BASE_OPERATORS } from './ast.js';
import { FilterError } from './errors.js';

export type Token =
  | { readonly type: 'operand'; readonly operand: OperandNode; readonly pos: number }
  | { readonly type: 'sign'; readonly op: Operator; readonly pos: number }
  | { readonly type: 'join'; readonly join: 'and' | 'or'; readonly pos: number }
  | { readonly type: 'open'; readonly pos: number }
  | { readonly type: 'close'; readonly pos: number }
  | { readonly type: 'eof'; readonly pos: number };

const MAX_FUNCTION_DEPTH = 3;
const SIGN_CHARS = new Set(['=', '?', '!', '>', '<', '~']);

const isLetter = (ch: string) => (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
const isDigit = (ch: string) => ch >= '0' && ch <= '9';
const isWhitespace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
const isSpecialStart = (ch: string) => ch === '@' || ch === '_' || ch === '#';
const isIdentifierStart = (ch: string) => isLetter(ch) || isSpecialStart(ch);
const isIdentifierPart = (ch: string) => isLetter(ch) || isDigit(ch) || ch === '_' || ch === '.' || ch === ':';
const isNumberStart = (ch: string) => ch === '-' || isDigit(ch);
const isQuote = (ch: string) => ch === "'" || ch === '"';

/** Shortens user text quoted in an error message. */
function excerpt(text: string): string {
  const clean = Array.from(text, (c) => (c < ' ' ? ' ' : c)).join('');
  return JSON.stringify(clean.length > 40 ? `${clean.slice(0, 40)}…` : clean);
}

function syntaxError(message: string): FilterError {
  return new FilterError('syntax', message);
}

export class Lexer {
  private pos = 0;

  constructor(private readonly text: string) {}

  next(): Token {
    this.skipTrivia();
    const start = this.pos;
    const ch = this.text[this.pos];
    if (ch === undefined) return { type: 'eof', pos: start };
    if (ch === '(') {
      this.pos++;
      return { type: 'open', pos: start };
    }
    if (ch === ')') {
      this.pos++;
      return { type: 'close', pos: start };
    }
    if (isIdentifierStart(ch)) return { type: 'operand', operand: this.identifierOrFunction(MAX_FUNCTION_DEPTH), pos: start };
    if (isNumberStart(ch)) return { type: 'operand', operand: this.number(), pos: start };
    if (isQuote(ch)) return { type: 'operand', operand: this.quotedText(), pos: start };
    if (SIGN_CHARS.has(ch)) return { type: 'sign', op: this.sign(), pos: start };
    if (ch === '&' || ch === '|') return { type: 'join', join: this.join(), pos: start };
    throw syntaxError(`Unexpected character ${excerpt(ch)} at position ${start}.`);
  }

  private skipTrivia(): void {
    for (;;) {
      const ch = this.text[this.pos];
      if (ch !== undefined && isWhitespace(ch)) {
        this.pos++;
      } else if (ch === '/') {
        this.comment();
      } else {
        return;
      }
    }
  }

  private comment(): void {
    if (this.text[this.pos + 1] !== '/') throw syntaxError(`Invalid comment at position ${this.pos}.`);
    const end = this.text.indexOf('\n', this.pos);
    this.pos = end === -1 ? this.text.length : end + 1;
  }

  private identifierOrFunction(depth: number): OperandNode {
    const start = this.pos;
    this.pos++; // the start character was checked by the caller
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === '(') {
        const name = this.text.slice(start, this.pos);
        if (depth <= 0) throw syntaxError(`Too deeply nested function calls (at most ${MAX_FUNCTION_DEPTH}).`);
        if (!isValidIdentifier(name)) throw syntaxError(`Invalid function name ${excerpt(name)}.`);
        return this.functionArgs(name, depth);
      }
      if (ch === undefined || !isIdentifierPart(ch)) break;
      this.pos++;
    }
    const name = this.text.slice(start, this.pos);
    if (!isValidIdentifier(name)) throw syntaxError(`Invalid identifier ${excerpt(name)}.`);
    return { type: 'identifier', name };
  }

  private functionArgs(name: string, depth: number): OperandNode {
    this.pos++; // '('
    const args: OperandNode[] = [];
    let expectComma = false;
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === undefined) throw syntaxError(`Incomplete call of function ${excerpt(name)} (expected ")").`);
      if (ch === ')') {
        this.pos++;
        return { type: 'function', name, args };
      }
      if (isWhitespace(ch)) {
        this.pos++;
        continue;
      }
      if (ch === '/') {
        this.comment();
        continue;
      }
      const isComma = ch === ',';
      if (expectComma !== isComma) {
        throw syntaxError(
          isComma ? `Unexpected comma in function ${excerpt(name)}.` : `Expected a comma between the arguments of function ${excerpt(name)}.`,
        );
      }
      expectComma = !isComma;
      if (isComma) {
        this.pos++;
      } else if (isIdentifierStart(ch)) {
        args.push(this.identifierOrFunction(depth - 1));
      } else if (isNumberStart(ch)) {
        args.push(this.number());
      } else if (isQuote(ch)) {
        args.push(this.quotedText());
      } else {
        throw syntaxError(`Unsupported character ${excerpt(ch)} in the arguments of function ${excerpt(name)}.`);
      }
    }
  }

  private number(): OperandNode {
    const start = this.pos;
    let hadDot = false;
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === undefined) break;
      const accept = isDigit(ch) || (ch === '-' && this.pos === start) || (ch === '.' && !hadDot);
      if (!accept) break;
      if (ch === '.') hadDot = true;
      this.pos++;
    }
    const raw = this.text.slice(start, this.pos);
    if (raw === '-' || raw.endsWith('.')) throw syntaxError(`Invalid number ${excerpt(raw)}.`);
    const value = Number(raw);
    // Out of range literals become 0, as in PocketBase (its number cast falls back to zero).
    return { type: 'number', value: Number.isFinite(value) ? value : 0, raw };
  }

  private quotedText(): OperandNode {
    const quote = this.text[this.pos] as string;
    const start = this.pos;
    this.pos++;
    let prev = '';
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === undefined) throw syntaxError(`Unterminated text ${excerpt(this.text.slice(start))}.`);
      this.pos++;
      if (ch === quote && prev !== '\\') break;
      prev = ch;
    }
    const inner = this.text.slice(start + 1, this.pos - 1);
    return { type: 'text', value: inner.replaceAll(`\\${quote}`, quote) };
  }

  private sign(): Operator {
    const start = this.pos;
    while (this.pos < this.text.length && SIGN_CHARS.has(this.text[this.pos] as string)) this.pos++;
    const literal = this.text.slice(start, this.pos);
    const any = literal.startsWith('?');
    const base = (any ? literal.slice(1) : literal) as BaseOperator;
    if (!BASE_OPERATORS.includes(base)) throw syntaxError(`Invalid operator ${excerpt(literal)}.`);
    return { base, any };
  }

  private join(): 'and' | 'or' {
    const start = this.pos;
    while (this.text[this.pos] === '&' || this.text[this.pos] === '|') this.pos++;
    const literal = this.text.slice(start, this.pos);
    if (literal === '&&') return 'and';
    if (literal === '||') return 'or';
    throw syntaxError(`Invalid join operator ${excerpt(literal)} (expected && or ||).`);
  }
}

function isValidIdentifier(name: string): boolean {
  const last = name[name.length - 1] as string;
  if (last === '.' || last === ':') return false;
  return !(name.length === 1 && isSpecialStart(name));
}
