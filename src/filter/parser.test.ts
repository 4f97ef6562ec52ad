import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FilterNode } from './ast.js';
import { FilterError } from './errors.js';
import { parseFilter } from './parser.js';

/** A compact rendering of a tree, to compare shapes. */
function show(node: FilterNode): string {
  switch (node.type) {
    case 'comparison': {
      const operand = (o: typeof node.left): string => {
        switch (o.type) {
          case 'identifier':
            return o.name;
          case 'text':
            return JSON.stringify(o.value);
          case 'number':
            return `#${o.value}`;
          case 'function':
            return `${o.name}(${o.args.map(operand).join(',')})`;
        }
      };
      return `${operand(node.left)} ${node.op.any ? '?' : ''}${node.op.base} ${operand(node.right)}`;
    }
    case 'and':
    case 'or':
      return `${node.type}[${node.items.map(show).join('; ')}]`;
  }
}

describe('parseFilter: accepted syntax', () => {
  const cases: Array<[string, string]> = [
    ['a = 1', 'a = #1'],
    ['a=1', 'a = #1'],
    ["a != 'x'", 'a != "x"'],
    ['a ~ "x"', 'a ~ "x"'],
    ['a !~ b', 'a !~ b'],
    ['a > -1.5', 'a > #-1.5'],
    ['a >= 0 && b <= 2', 'and[a >= #0; b <= #2]'],
    ['a < 1 || b > 2', 'or[a < #1; b > #2]'],
    ['a = 1 || b = 2 && c = 3', 'or[a = #1; and[b = #2; c = #3]]'],
    ['a = 1 && b = 2 || c = 3', 'or[and[a = #1; b = #2]; c = #3]'],
    ['(a = 1 || b = 2) && c = 3', 'and[or[a = #1; b = #2]; c = #3]'],
    ['((a = 1))', 'a = #1'],
    ['a ?= 1 && a ?!= 2 && a ?~ 3 && a ?!~ 4', 'and[a ?= #1; a ?!= #2; a ?~ #3; a ?!~ #4]'],
    ['a ?> 1 && a ?>= 2 && a ?< 3 && a ?<= 4', 'and[a ?> #1; a ?>= #2; a ?< #3; a ?<= #4]'],
    ["@request.auth.id != ''", '@request.auth.id != ""'],
    ['@collection.users:u.name = x', '@collection.users:u.name = x'],
    ['tags:each ?= #x', 'tags:each ?= #x'],
    ['_a.b_c.0 = 1', '_a.b_c.0 = #1'],
    ["'it\\'s' = \"say \\\"hi\\\"\"", `"it's" = "say \\"hi\\""`],
    ["'a\\b' = 1", '"a\\\\b" = #1'],
    ["'(not a group)' = 1", '"(not a group)" = #1'],
    ['a = 1 // trailing comment', 'a = #1'],
    ['// leading\na = 1', 'a = #1'],
    ['a = 1 // c1\n && // c2\n b = 2', 'and[a = #1; b = #2]'],
    ['a = 1\r\n&& b = 2', 'and[a = #1; b = #2]'],
    ["strftime('%Y', created) = '2024'", 'strftime("%Y",created) = "2024"'],
    ['geoDistance(a.lon, a.lat, 1, -2.5) < 10', 'geoDistance(a.lon,a.lat,#1,#-2.5) < #10'],
    ['f( a , // c\n b ,) = 1', 'f(a,b) = #1'],
    ['f() = g(h(1))', 'f() = g(h(#1))'],
    ['a = 007', 'a = #7'],
    ['a = -.5', 'a = #-0.5'],
  ];
  for (const [text, expected] of cases) {
    test(JSON.stringify(text), () => {
      assert.equal(show(parseFilter(text)), expected);
    });
  }
});

describe('parseFilter: rejected syntax', () => {
  const cases = [
    '',
    '   ',
    '// only a comment',
    'a',
    'a =',
    '= 1',
    'a = 1 b = 2',
    'a = 1 &&',
    '&& a = 1',
    'a = 1 & b = 2',
    'a = 1 ||| b = 2',
    'a == 1',
    'a =! 1',
    'a + 1',
    '(a = 1',
    'a = 1)',
    '()',
    '(a = 1) (b = 2)',
    'a = (b = 1)',
    "a = 'unterminated",
    "a = 'ends with escaped quote\\'",
    'a = -',
    'a = 1.',
    'a = 1.2.3',
    'a. = 1',
    'a: = 1',
    '@ = 1',
    '# = 1',
    'a = 1 / b',
    'ä = 1',
    'a = 1 ; b = 2',
    'f(a b) = 1',
    'f(,a) = 1',
    'f(a,,b) = 1',
    'f(a = 1',
    'f((a)) = 1',
    'a.(b) = 1',
    'f(g(h(i(1)))) = 1',
    'a = 1e5',
  ];
  for (const text of cases) {
    test(JSON.stringify(text), () => {
      assert.throws(() => parseFilter(text), (err: unknown) => err instanceof FilterError && err.code !== undefined);
    });
  }
});

describe('parseFilter: limits', () => {
  test('length', () => {
    const long = `a = '${'x'.repeat(3500)}'`;
    assert.throws(() => parseFilter(long), (err: unknown) => err instanceof FilterError && err.code === 'limit');
    assert.doesNotThrow(() => parseFilter(long, { maxLength: 10_000 }));
  });

  test('expression count', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => `a = ${i}`).join(' || ');
    assert.doesNotThrow(() => parseFilter(many(200)));
    assert.throws(() => parseFilter(many(201)), (err: unknown) => err instanceof FilterError && err.code === 'limit');
    assert.throws(() => parseFilter(many(3), { maxExpressions: 2 }), FilterError);
    assert.doesNotThrow(() => parseFilter('(1=1 || 1=1) && (1=1 || (1=1 || 1=1)) && (1=1)', { maxExpressions: 6 }));
    assert.throws(() => parseFilter('(1=1 || 1=1) && (1=1 || (1=1 || 1=1)) && (1=1)', { maxExpressions: 5 }), FilterError);
  });

  test('nesting depth', () => {
    const nested = (n: number) => `${'('.repeat(n)}a = 1${')'.repeat(n)}`;
    assert.doesNotThrow(() => parseFilter(nested(50)));
    assert.throws(() => parseFilter(nested(51)), (err: unknown) => err instanceof FilterError && err.code === 'limit');
    assert.throws(() => parseFilter(nested(10_000), { maxLength: 100_000 }), FilterError);
  });

  test('non-string input', () => {
    assert.throws(() => parseFilter(42 as unknown as string), FilterError);
  });
});
