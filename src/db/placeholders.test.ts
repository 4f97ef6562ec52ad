import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PlaceholderRewriter, rewritePlaceholders } from './placeholders.js';

describe('rewritePlaceholders', () => {
  const cases: [string, string, number][] = [
    ['SELECT 1', 'SELECT 1', 0],
    ['SELECT ?', 'SELECT $1', 1],
    ['a = ? AND b = ? OR c IN (?, ?)', 'a = $1 AND b = $2 OR c IN ($3, $4)', 4],
    ["x = '?' AND y = ?", "x = '?' AND y = $1", 1],
    ["x = 'it''s ?' AND y = ?", "x = 'it''s ?' AND y = $1", 1],
    ['"col?" = ?', '"col?" = $1', 1],
    ['"a""?" = ?', '"a""?" = $1', 1],
    ['-- why?\nx = ?', '-- why?\nx = $1', 1],
    ['x = ? -- trailing ?', 'x = $1 -- trailing ?', 1],
    ['/* ? */ x = ?', '/* ? */ x = $1', 1],
    ['/* outer /* inner ? */ still ? */ x = ?', '/* outer /* inner ? */ still ? */ x = $1', 1],
    ["E'\\'?' = ?", "E'\\'?' = $1", 1],
    ["name'?' = ?", "name'?' = $1", 1],
    ['$$ ? $$ || ?', '$$ ? $$ || $1', 1],
    ['$body$ ? $body$ || ?', '$body$ ? $body$ || $1', 1],
    ['a$b = ?', 'a$b = $1', 1],
    ['x - ? - y', 'x - $1 - y', 1],
    ['x / ? * y', 'x / $1 * y', 1],
    ["'unterminated ?", "'unterminated ?", 0],
  ];
  for (const [input, expected, count] of cases) {
    test(JSON.stringify(input), () => {
      assert.deepEqual(rewritePlaceholders(input), { text: expected, count });
    });
  }

  test('a backslash is not an escape in a standard string', () => {
    assert.deepEqual(rewritePlaceholders("'a\\' = ?"), { text: "'a\\' = $1", count: 1 });
  });

  test('the cached rewriter returns the same result', () => {
    const rewriter = new PlaceholderRewriter(2);
    const first = rewriter.rewrite('a = ?');
    assert.equal(rewriter.rewrite('a = ?'), first);
    rewriter.rewrite('b = ?');
    rewriter.rewrite('c = ?');
    assert.deepEqual(rewriter.rewrite('a = ?'), first);
  });
});
