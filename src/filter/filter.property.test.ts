// Property tests: hostile text never breaks the parser; generated filters always compile to
// fully parameterised SQL that runs on both engines and selects the same rows on both.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { after, before, describe, test } from 'node:test';
import { openTestDatabase, type TestDatabase } from '../db/testing.js';
import type { Database, DialectName } from '../db/types.js';
import type { BaseOperator, FilterNode, OperandNode } from './ast.js';
import { BASE_OPERATORS } from './ast.js';
import { compileFilter } from './compile.js';
import { FilterError } from './errors.js';
import { parseFilter } from './parser.js';
import { FIXED_CLOCK, TABLE, resolverFor, seed } from './test-fixture.js';

const DIALECTS: DialectName[] = ['sqlite', 'postgres'];

// ---------------------------------------------------------------------------------------
// Generators

const IDENTIFIERS = [
  'id', 'title', 'n', 'b', 'd', 'nt', 'nn', 'j', 'data.a', 'data.s', 'data.arr.0', 'data.missing', 'tags:each',
  'null', 'true', 'false', 'NULL', 'True', '@now', '@second', '@todayStart', '@yesterday', '@weekday', '@monthEnd',
];
const TEXTS = [
  '', 'hello', 'Hello', '5', '5.0', ' 5 ', 'abc', 'a', 'b', 'c', 'x', '%', '_', '%a%', '100%', '\\_', 'Ä', 'ä', 'ü', "it's",
  '2024-01-01', '2024-01-01 10:00:00.000Z', '1e5', '-2.5', 'true', 'null', 'sure\\%', 'o w',
];
const CHARS = ['a', 'b', 'A', 'Z', '5', '.', '-', ' ', '%', '_', '\\', "'", '"', 'ä', 'Ä', '€', '😀', '\n', ':', '0'];

const textValue = fc
  .oneof(fc.constantFrom(...TEXTS), fc.array(fc.constantFrom(...CHARS), { maxLength: 6 }).map((cs) => cs.join('')))
  .filter((v) => !v.endsWith('\\'));
const numberValue = fc.oneof(fc.integer({ min: -20, max: 120 }), fc.constantFrom(0.5, 1.5, -2.5, 2.5, 100.25, 3.75));

const identifier: fc.Arbitrary<OperandNode> = fc.constantFrom(...IDENTIFIERS).map((name) => ({ type: 'identifier', name }));
const text: fc.Arbitrary<OperandNode> = textValue.map((value) => ({ type: 'text', value }));
const number: fc.Arbitrary<OperandNode> = numberValue.map((value) => ({ type: 'number', value, raw: String(value) }));
const fnText = (values: string[]) => fc.constantFrom(...values).map((value): OperandNode => ({ type: 'text', value }));

const strftimeCall: fc.Arbitrary<OperandNode> = fc
  .tuple(
    fnText(['%Y', '%m', '%d', '%w', '%H:%M', '%Y-%m-%d', '%s', '%j', '%J']),
    // No 'now': the two engines evaluate it at different instants, so %s or %J would differ.
    fc.option(fc.oneof(identifier, fnText(['2024-01-01', '2024-02-29 12:00', '2460000.5'])), { nil: undefined }),
    fc.array(fnText(['+1 day', 'start of month', '-1 month', 'weekday 1', '+2 hours']), { maxLength: 2 }),
  )
  // Without a time argument strftime reads the clock: only formats that change once a day then.
  .map(([format, time, mods]): OperandNode => {
    if (time) return { type: 'function', name: 'strftime', args: [format, time, ...mods] };
    const daily = ['%Y', '%m', '%d', '%w', '%Y-%m-%d', '%j'].includes((format as { value: string }).value);
    return { type: 'function', name: 'strftime', args: [daily ? format : { type: 'text', value: '%Y' }] };
  });

const geoArg = fc.oneof(fc.constantFrom('n', 'nn', 'j', 'data.a', 'title', 'null').map((name): OperandNode => ({ type: 'identifier', name })), number);
const geoCall: fc.Arbitrary<OperandNode> = fc
  .tuple(geoArg, geoArg, geoArg, geoArg)
  .map((args): OperandNode => ({ type: 'function', name: 'geoDistance', args }));

const operand = fc.oneof({ weight: 6, arbitrary: identifier }, { weight: 3, arbitrary: text }, { weight: 3, arbitrary: number }, strftimeCall, geoCall);

const isGeo = (o: OperandNode) => o.type === 'function' && o.name === 'geoDistance';

const comparison: fc.Arbitrary<FilterNode> = fc
  .tuple(operand, fc.constantFrom(...BASE_OPERATORS), fc.boolean(), operand)
  // Known gap: SQLite's 17th digit of a REAL as text can differ from the correctly rounded
  // one, and geoDistance() results need 17 digits; so no LIKE on them here.
  .filter(([left, base, , right]) => !((base === '~' || base === '!~') && (isGeo(left) || isGeo(right))))
  .map(([left, base, any, right]) => ({ type: 'comparison', left, op: { base: base as BaseOperator, any }, right }));

const filterTree: fc.Arbitrary<FilterNode> = fc.letrec<{ node: FilterNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    comparison,
    fc.tuple(fc.constantFrom<'and' | 'or'>('and', 'or'), fc.array(tie('node'), { minLength: 2, maxLength: 3 })).map(
      ([type, items]): FilterNode => ({ type, items }),
    ),
  ),
})).node;

// ---------------------------------------------------------------------------------------
// Printing (AST → filter text), to check that text round-trips through the parser.

function printOperand(o: OperandNode): string {
  switch (o.type) {
    case 'identifier':
      return o.name;
    case 'text':
      return `'${o.value.replaceAll("'", "\\'")}'`;
    case 'number':
      return o.raw;
    case 'function':
      return `${o.name}(${o.args.map(printOperand).join(', ')})`;
  }
}

function printFilter(node: FilterNode): string {
  switch (node.type) {
    case 'comparison':
      return `${printOperand(node.left)} ${node.op.any ? '?' : ''}${node.op.base} ${printOperand(node.right)}`;
    case 'and':
    case 'or':
      return `(${node.items.map(printFilter).join(node.type === 'and' ? ' && ' : ' || ')})`;
  }
}

/** The tree the parser produces for printed text: groups of one kind are not flattened. */
function normalise(node: FilterNode): unknown {
  if (node.type === 'comparison') {
    const op = (o: OperandNode): unknown => (o.type === 'number' ? { type: 'number', value: o.value } : o.type === 'function' ? { ...o, args: o.args.map(op) } : o);
    return { ...node, left: op(node.left), right: op(node.right) };
  }
  return { type: node.type, items: node.items.map(normalise) };
}

// ---------------------------------------------------------------------------------------
// SQL checks

const ALLOWED_SQL_LITERALS = /^(?:|%|\\|array|pb|now|\[\]|\$[.\w[\]]*|\{[\w,]*\}|ABCDEFGHIJKLMNOPQRSTUVWXYZ|abcdefghijklmnopqrstuvwxyz)$/;

/** Every value must be a bound parameter: only fixed SQL literals may appear in the text. */
function assertFullyBound(sql: string, paramCount: number): void {
  let placeholders = 0;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === '?') placeholders++;
    if (ch === "'") {
      const end = sql.indexOf("'", i + 1);
      const literal = sql.slice(i + 1, end);
      assert.match(literal, ALLOWED_SQL_LITERALS, `unexpected literal '${literal}' in ${sql}`);
      i = end;
    }
    if (ch === '"') i = sql.indexOf('"', i + 1);
  }
  assert.equal(placeholders, paramCount, sql);
}

async function runFilter(db: Database, node: FilterNode): Promise<string[]> {
  const dialect = db.dialect.name;
  const resolver = resolverFor(dialect);
  const where = compileFilter(node, { resolver, dialect, clock: FIXED_CLOCK });
  assertFullyBound(where.sql, where.params.length);
  const sql = `SELECT DISTINCT "${TABLE}"."id" FROM "${TABLE}" ${resolver.joins().join(' ')} WHERE ${where.sql} ORDER BY "${TABLE}"."id"`;
  const rows = await db.all<{ id: string }>(sql, where.params);
  return rows.map((r) => r.id);
}

// ---------------------------------------------------------------------------------------

describe('filter properties', () => {
  const dbs = new Map<DialectName, TestDatabase>();

  before(async () => {
    for (const dialect of DIALECTS) {
      const handle = await openTestDatabase(dialect);
      dbs.set(dialect, handle);
      await seed(handle.db);
    }
  });

  after(async () => {
    for (const handle of dbs.values()) await handle.cleanup();
  });

  test('arbitrary text: the parser returns a tree or throws FilterError', () => {
    const garbage = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.array(fc.constantFrom(...'()\'"\\/=!~<>?&|@#._:-,0123456789 \n\taZ'.split('')), { maxLength: 60 }).map((cs) => cs.join('')),
    );
    fc.assert(
      fc.property(garbage, (input) => {
        try {
          parseFilter(input);
        } catch (err) {
          if (!(err instanceof FilterError)) throw err;
        }
      }),
      { numRuns: 5000 },
    );
  });

  test('token soup: parsing and compiling throw only FilterError, and values are always bound', () => {
    const tokens = [
      ...IDENTIFIERS, "'a'", '"b"', "'%'", '5', '-1.5', '(', ')', '&&', '||', '=', '!=', '~', '!~', '<', '<=', '>', '>=', '?=', '?~',
      '?!=', 'strftime(', 'geoDistance(', ',', "'%Y'", 'unknown', 'data.', '@request.x', '// c\n', 'tags:length', 'data..a', 'data.99999999999',
    ];
    const soup = fc.array(fc.constantFrom(...tokens), { minLength: 1, maxLength: 12 }).map((ts) => ts.join(' '));
    fc.assert(
      fc.property(soup, (input) => {
        for (const dialect of DIALECTS) {
          try {
            const compiled = compileFilter(parseFilter(input), { resolver: resolverFor(dialect), dialect, clock: FIXED_CLOCK });
            assertFullyBound(compiled.sql, compiled.params.length);
          } catch (err) {
            if (!(err instanceof FilterError)) throw err;
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('generated filters: text round-trips, SQL runs on both engines and selects the same rows', async () => {
    const sqlite = dbs.get('sqlite')?.db as Database;
    const postgres = dbs.get('postgres')?.db as Database;
    await fc.assert(
      fc.asyncProperty(filterTree, async (node) => {
        assert.deepEqual(normalise(parseFilter(printFilter(node))), normalise(node));
        let expected: string[];
        try {
          expected = await runFilter(sqlite, node);
        } catch (err) {
          if (err instanceof FilterError) return;
          throw err;
        }
        const actual = await runFilter(postgres, node);
        assert.deepEqual(actual, expected, printFilter(node));
      }),
      { numRuns: 2000 },
    );
  });
});
