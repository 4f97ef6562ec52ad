import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CronSyntaxError, parseCron } from './expression.js';

const at = (iso: string) => new Date(iso);
const nextOf = (expr: string, after: string) => parseCron(expr).next(at(after)).toISOString();

describe('parseCron: matches', () => {
  const cases: [expr: string, iso: string, expected: boolean][] = [
    ['* * * * *', '2026-03-04T05:06:59.999Z', true],
    ['5 * * * *', '2026-03-04T05:05:00Z', true],
    ['5 * * * *', '2026-03-04T05:06:00Z', false],
    ['0,30 9-17 * * *', '2026-03-04T17:30:00Z', true],
    ['0,30 9-17 * * *', '2026-03-04T18:00:00Z', false],
    ['*/15 * * * *', '2026-03-04T05:45:00Z', true],
    ['*/15 * * * *', '2026-03-04T05:50:00Z', false],
    ['10-30/10 * * * *', '2026-03-04T05:20:00Z', true],
    ['10-30/10 * * * *', '2026-03-04T05:40:00Z', false],
    ['0 0 1 jan *', '2026-01-01T00:00:00Z', true],
    ['0 0 1 JAN-mar *', '2026-04-01T00:00:00Z', false],
    ['0 0 * * MON-fri', '2026-03-06T00:00:00Z', true], // a Friday
    ['0 0 * * MON-FRI', '2026-03-07T00:00:00Z', false], // a Saturday
    ['0 0 * * 7', '2026-03-08T00:00:00Z', true], // 7 is Sunday
    ['0 0 * * 0', '2026-03-08T00:00:00Z', true],
    ['0 0 * * 5-7', '2026-03-08T00:00:00Z', true],
    ['0 0 * * sun', '2026-03-09T00:00:00Z', false],
    // Both day fields restricted: either one matching is enough.
    ['0 0 13 * FRI', '2026-03-13T00:00:00Z', true],
    ['0 0 13 * FRI', '2026-03-06T00:00:00Z', true], // Friday the 6th
    ['0 0 13 * FRI', '2026-04-13T00:00:00Z', true], // Monday the 13th
    ['0 0 13 * FRI', '2026-03-12T00:00:00Z', false],
    // Day of week starting with "*" is not restricted: both must hold.
    ['0 0 1 * */7', '2026-03-01T00:00:00Z', true], // Sunday the 1st
    ['0 0 1 * */7', '2026-04-01T00:00:00Z', false], // Wednesday the 1st
    ['0 0 */10 * *', '2026-03-11T00:00:00Z', true],
    ['@yearly', '2027-01-01T00:00:00Z', true],
    ['@annually', '2027-01-01T00:01:00Z', false],
    ['@monthly', '2026-05-01T00:00:00Z', true],
    ['@weekly', '2026-03-08T00:00:00Z', true],
    ['@weekly', '2026-03-09T00:00:00Z', false],
    ['@daily', '2026-03-09T00:00:00Z', true],
    ['@midnight', '2026-03-09T01:00:00Z', false],
    ['@hourly', '2026-03-09T13:00:00Z', true],
    ['@HOURLY', '2026-03-09T13:01:00Z', false],
  ];
  for (const [expr, iso, expected] of cases) {
    test(`${expr} at ${iso} → ${expected}`, () => assert.equal(parseCron(expr).matches(at(iso)), expected));
  }

  test('keeps the source text for listing', () => {
    assert.equal(parseCron('  */5 * * * *  ').source, '*/5 * * * *');
    assert.equal(parseCron('@daily').source, '@daily');
  });
});

describe('parseCron: errors name the field', () => {
  const cases: [expr: string, field: string, fragment: RegExp][] = [
    ['', 'expression', /expected 5 fields.*got 0/],
    ['* * * *', 'expression', /got 4/],
    ['* * * * * *', 'expression', /got 6/],
    ['@every5m', 'expression', /unknown macro "@every5m"/],
    ['60 * * * *', 'minute', /out of range 0-59/],
    ['* 24 * * *', 'hour', /out of range 0-23/],
    ['* * 0 * *', 'day-of-month', /out of range 1-31/],
    ['* * * 13 *', 'month', /out of range 1-12/],
    ['* * * * 8', 'day-of-week', /out of range 0-7/],
    ['* * * FOO *', 'month', /invalid value "FOO"/],
    ['* * * * MONDAY', 'day-of-week', /invalid value "MONDAY"/],
    ['*/0 * * * *', 'minute', /step of 0/],
    ['*/x * * * *', 'minute', /invalid step/],
    ['5/15 * * * *', 'minute', /step on a single value/],
    ['30-10 * * * *', 'minute', /start is after its end/],
    ['1,,2 * * * *', 'minute', /empty list item/],
    ['1-2-3 * * * *', 'minute', /malformed range/],
    ['-1 * * * *', 'minute', /invalid value/],
    ['0 0 30 2 *', 'day-of-month', /no selected month/],
    ['0 0 31 4,6,9,11 *', 'day-of-month', /no selected month/],
  ];
  for (const [expr, field, fragment] of cases) {
    test(`"${expr}" → ${field}`, () => {
      assert.throws(
        () => parseCron(expr),
        (err: unknown) => err instanceof CronSyntaxError && err.field === field && fragment.test(err.message),
      );
    });
  }

  test('is a bad_request AppError, so it reaches clients as a 400', () => {
    assert.throws(() => parseCron('nope'), { code: 'bad_request' });
  });
});

describe('CronExpression.next', () => {
  test('is strictly after, rounding up to the next whole minute', () => {
    assert.equal(nextOf('* * * * *', '2026-03-04T05:06:00.000Z'), '2026-03-04T05:07:00.000Z');
    assert.equal(nextOf('* * * * *', '2026-03-04T05:06:59.999Z'), '2026-03-04T05:07:00.000Z');
  });

  test('crosses hours, days, months and years', () => {
    assert.equal(nextOf('0 * * * *', '2026-03-04T05:00:00Z'), '2026-03-04T06:00:00.000Z');
    assert.equal(nextOf('30 2 * * *', '2026-03-04T05:00:00Z'), '2026-03-05T02:30:00.000Z');
    assert.equal(nextOf('0 0 1 * *', '2026-12-15T00:00:00Z'), '2027-01-01T00:00:00.000Z');
    assert.equal(nextOf('@yearly', '2026-01-01T00:00:00Z'), '2027-01-01T00:00:00.000Z');
    assert.equal(nextOf('0 0 31 * *', '2026-04-01T00:00:00Z'), '2026-05-31T00:00:00.000Z');
  });

  test('finds 29 February, skipping 2100 which is not a leap year', () => {
    assert.equal(nextOf('0 0 29 2 *', '2026-01-01T00:00:00Z'), '2028-02-29T00:00:00.000Z');
    assert.equal(nextOf('0 0 29 2 *', '2096-03-01T00:00:00Z'), '2104-02-29T00:00:00.000Z');
  });

  test('combines day fields like classic cron', () => {
    assert.equal(nextOf('0 0 13 * FRI', '2026-03-07T00:00:00Z'), '2026-03-13T00:00:00.000Z');
    assert.equal(nextOf('0 0 1 * */7', '2026-01-01T00:00:00Z'), '2026-02-01T00:00:00.000Z');
  });
});

// A random expression: each field is "*", a step, a range, a range with a step or a list.
function fieldArb(min: number, max: number) {
  const value = fc.integer({ min, max });
  return fc.oneof(
    fc.constant('*'),
    fc.integer({ min: 1, max: max - min + 1 }).map((n) => `*/${n}`),
    fc.tuple(value, value).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    fc.tuple(value, value, fc.integer({ min: 1, max: 10 })).map(([a, b, s]) => `${Math.min(a, b)}-${Math.max(a, b)}/${s}`),
    fc.array(value, { minLength: 1, maxLength: 4 }).map((vs) => vs.join(',')),
  );
}

const expressionArb = fc
  .tuple(fieldArb(0, 59), fieldArb(0, 23), fieldArb(1, 31), fieldArb(1, 12), fieldArb(0, 7))
  .map((fields) => fields.join(' '))
  .filter((expr) => {
    try {
      parseCron(expr);
      return true;
    } catch {
      return false; // e.g. "0 0 31 2 *": refused by design
    }
  });

const dateArb = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-12-31T23:59:59Z'), noInvalidDate: true });

/** How far the brute-force walk checks that nothing earlier matches. */
const WALK_MINUTES = 3 * 24 * 60;

describe('CronExpression.next (property)', () => {
  test('next(d) matches, is after d, and no minute in between matches', () => {
    fc.assert(
      fc.property(expressionArb, dateArb, (expr, date) => {
        const cron = parseCron(expr);
        const next = cron.next(date);
        assert.ok(next.getTime() > date.getTime(), 'after d');
        assert.equal(next.getTime() % 60_000, 0, 'a whole minute');
        assert.ok(cron.matches(next), 'matches');
        // Walk every minute from just after d up to next (or a bounded window).
        const first = Math.floor(date.getTime() / 60_000) * 60_000 + 60_000;
        const end = Math.min(next.getTime(), first + WALK_MINUTES * 60_000);
        for (let t = first; t < end; t += 60_000) {
          assert.ok(!cron.matches(new Date(t)), `${new Date(t).toISOString()} matches before next`);
        }
      }),
      { numRuns: 300 },
    );
  });
});
