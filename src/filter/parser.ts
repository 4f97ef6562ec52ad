// Recursive descent over the lexer's tokens:
//   sequence   := item (join item)*
//   item       := '(' sequence ')' | operand sign operand
// `&&` binds tighter than `||`.
import type { ComparisonNode, FilterNode, OperandNode } from './ast.js';
import { FilterError } from './errors.js';
import { Lexer, type Token } from './lexer.js';
import { MAX_FILTER_EXPRESSIONS, MAX_FILTER_LENGTH, MAX_GROUP_DEPTH, type ParseLimits } from './limits.js';

/** Parses filter text into a tree. Throws FilterError for anything that is not a valid filter. */
export function parseFilter(text: string, limits: ParseLimits = {}): FilterNode {
  const maxLength = limits.maxLength ?? MAX_FILTER_LENGTH;
  if (typeof text !== 'string') throw new FilterError('syntax', 'The filter must be a string.');
  if (text.length > maxLength) throw new FilterError('limit', `The filter is too long (at most ${maxLength} characters).`);
  const parser = new Parser(text, limits.maxExpressions ?? MAX_FILTER_EXPRESSIONS, limits.maxDepth ?? MAX_GROUP_DEPTH);
  return parser.parse();
}

class Parser {
  private readonly lexer: Lexer;
  private token: Token;
  private expressions = 0;

  constructor(
    text: string,
    private readonly maxExpressions: number,
    private readonly maxDepth: number,
  ) {
    this.lexer = new Lexer(text);
    this.token = this.lexer.next();
  }

  parse(): FilterNode {
    if (this.peek().type === 'eof') throw new FilterError('syntax', 'The filter is empty.');
    const node = this.sequence(0);
    if (this.peek().type !== 'eof') throw this.unexpected('&& or ||');
    return node;
  }

  /** The current token (a method, so type narrowing does not survive `advance()`). */
  private peek(): Token {
    return this.token;
  }

  private advance(): Token {
    const current = this.token;
    this.token = this.lexer.next();
    return current;
  }

  private sequence(depth: number): FilterNode {
    // Collect AND chains separated by OR.
    const orItems: FilterNode[] = [];
    let andItems: FilterNode[] = [this.item(depth)];
    for (let token = this.peek(); token.type === 'join'; token = this.peek()) {
      const { join } = token;
      this.advance();
      const next = this.item(depth);
      if (join === 'and') {
        andItems.push(next);
      } else {
        orItems.push(combine('and', andItems));
        andItems = [next];
      }
    }
    orItems.push(combine('and', andItems));
    return combine('or', orItems);
  }

  private item(depth: number): FilterNode {
    if (this.peek().type === 'open') {
      if (depth + 1 > this.maxDepth) throw new FilterError('limit', `The filter is nested too deeply (at most ${this.maxDepth} levels).`);
      this.advance();
      if (this.peek().type === 'close') throw new FilterError('syntax', 'Empty parentheses in the filter.');
      const inner = this.sequence(depth + 1);
      if (this.peek().type !== 'close') throw this.unexpected(this.peek().type === 'eof' ? 'a closing parenthesis' : '&&, || or a closing parenthesis');
      this.advance();
      return inner;
    }
    return this.comparison();
  }

  private comparison(): ComparisonNode {
    const left = this.operand('left');
    if (this.peek().type !== 'sign') throw this.unexpected('an operator');
    const { op } = this.advance() as Extract<Token, { type: 'sign' }>;
    const right = this.operand('right');
    this.expressions++;
    if (this.expressions > this.maxExpressions) {
      throw new FilterError('limit', `The filter has too many expressions (at most ${this.maxExpressions}).`);
    }
    return { type: 'comparison', left, op, right };
  }

  private operand(side: 'left' | 'right'): OperandNode {
    if (this.peek().type !== 'operand') throw this.unexpected(`a ${side} operand (identifier, function, text or number)`);
    return (this.advance() as Extract<Token, { type: 'operand' }>).operand;
  }

  private unexpected(expected: string): FilterError {
    const token = this.peek();
    const found = token.type === 'eof' ? 'the end of the filter' : `${describe(token)} at position ${token.pos}`;
    return new FilterError('syntax', `Expected ${expected}, found ${found}.`);
  }
}

function combine(type: 'and' | 'or', items: FilterNode[]): FilterNode {
  return items.length === 1 ? (items[0] as FilterNode) : { type, items };
}

function describe(token: Token): string {
  switch (token.type) {
    case 'operand':
      return token.operand.type === 'function' ? 'a function call' : `a ${token.operand.type}`;
    case 'sign':
      return 'an operator';
    case 'join':
      return token.join === 'and' ? '"&&"' : '"||"';
    case 'open':
      return '"("';
    case 'close':
      return '")"';
    case 'eof':
      return 'the end of the filter';
  }
}
