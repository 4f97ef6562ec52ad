// Property test: SQL assembled from random pieces, some of which hide `?` inside quotes
// or comments, must have exactly the bare `?`s renumbered and nothing else changed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { rewritePlaceholders } from './placeholders.js';

const safeText = fc.stringMatching(/^[a-z0-9 ,()=<>+*.]{0,6}$/);
const hidden = fc.stringMatching(/^[a-z ?]{0,5}$/);

/** A piece and how many real placeholders it contains. */
const piece: fc.Arbitrary<[string, number]> = fc.oneof(
  safeText.map((s): [string, number] => [` ${s} `, 0]),
  fc.constant<[string, number]>([' ? ', 1]),
  hidden.map((s): [string, number] => [`'${s.replaceAll("'", "''")}'`, 0]),
  hidden.map((s): [string, number] => [`'it''s ${s}'`, 0]),
  hidden.map((s): [string, number] => [`"${s}"`, 0]),
  hidden.map((s): [string, number] => [`-- ${s}\n`, 0]),
  hidden.map((s): [string, number] => [`/* ${s} */`, 0]),
  hidden.map((s): [string, number] => [`$q$ ${s} $q$`, 0]),
  hidden.map((s): [string, number] => [`$$${s}$$`, 0]),
  hidden.map((s): [string, number] => [` E'\\'${s}\\\\'`, 0]),
  fc.constant<[string, number]>([' a$b$ ', 0]),
);

test('only bare placeholders are renumbered, in order', () => {
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
      const sql = pieces.map(([p]) => p).join('');
      const expectedCount = pieces.reduce((n, [, c]) => n + c, 0);
      const { text, count } = rewritePlaceholders(sql);
      assert.equal(count, expectedCount);
      let k = 0;
      const expected = pieces.map(([p, c]) => (c === 1 ? ` $${++k} ` : p)).join('');
      assert.equal(text, expected);
    }),
    { numRuns: 2000 },
  );
});
