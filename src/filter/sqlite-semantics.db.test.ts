// Checks the reproductions of SQLite behaviour (in JavaScript and in the PostgreSQL helper
// functions) against SQLite itself.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openTestDatabase, type TestDatabase } from '../db/testing.js';
import type { SqlValue } from '../db/types.js';
import { POSTGRES_FILTER_FUNCTIONS_SQL } from './postgres-functions.js';
import { numericAffinity, sqliteNumberText, sqliteRealText } from './sqlite-values.js';

let sqlite: TestDatabase;
let postgres: TestDatabase;

before(async () => {
  sqlite = await openTestDatabase('sqlite');
  postgres = await openTestDatabase('postgres');
  await postgres.db.exec(POSTGRES_FILTER_FUNCTIONS_SQL);
});

after(async () => {
  await sqlite?.cleanup();
  await postgres?.cleanup();
});

const NUMERIC_TEXTS = [
  ' 5', '5 ', '\t5\n', '+5', '.5', '5.', '1e5', '1E+5', '0x10', '1_000', 'inf', '-0', '00012', '1.5e', ' ', '',
  '12abc', '\v5', '\f5', '\r5', '-.5e-2', '- 5', '5e5.5', 'abc', '1 2', '++1', '.', '-', '3.25',
];

const REALS = [0.1 + 0.2, 338.79716245412345, 2 ** 53 + 2, 5, 0.5, 1e14, 1e15, 1e16, 1e17, 123456789.123, 1e-4, 1e-5, 0.000123, -2.25, 1.5, 0.1, 2.5e-7, -1e20, 0, 100.25];

describe('SQLite value conversions', () => {
  test('numeric affinity of text', async () => {
    await sqlite.db.exec('CREATE TABLE aff (k INTEGER PRIMARY KEY, n NUMERIC)');
    for (const [i, text] of NUMERIC_TEXTS.entries()) await sqlite.db.run('INSERT INTO aff (k, n) VALUES (?, ?)', [i, text]);
    const rows = await sqlite.db.all<{ k: number; n: unknown; t: string }>('SELECT k, n, typeof(n) AS t FROM aff ORDER BY k');
    for (const row of rows) {
      const text = NUMERIC_TEXTS[row.k] as string;
      const expected = row.t === 'text' ? undefined : Number(row.n);
      const converted = numericAffinity(text);
      // -0 and 0 compare equal; only the value matters.
      assert.equal(converted === undefined ? undefined : converted + 0, expected, JSON.stringify(text));
      const pg = await postgres.db.get<{ v: string | null }>('SELECT plinth_numaff(CAST(? AS TEXT))::text AS v', [text]);
      const pgValue = JSON.parse(pg?.v ?? 'null') as unknown;
      assert.equal(typeof pgValue === 'number' ? pgValue : undefined, expected, `postgres ${JSON.stringify(text)}`);
    }
  });

  test('REAL to text', async () => {
    for (const x of REALS) {
      const row = await sqlite.db.get<{ v: string }>('SELECT CAST(? AS TEXT) AS v', [x]);
      assert.equal(sqliteRealText(x), row?.v, String(x));
      const pg = await postgres.db.get<{ v: string }>('SELECT plinth_real_text(CAST(? AS DOUBLE PRECISION)) AS v', [x]);
      assert.equal(pg?.v, row?.v, `postgres ${x}`);
    }
  });

  test('numbers stored in a NUMERIC column, as text', async () => {
    await sqlite.db.exec('CREATE TABLE num (k INTEGER PRIMARY KEY, n NUMERIC)');
    for (const [i, x] of REALS.entries()) await sqlite.db.run('INSERT INTO num (k, n) VALUES (?, ?)', [i, x]);
    const rows = await sqlite.db.all<{ k: number; v: string }>('SELECT k, CAST(n AS TEXT) AS v FROM num ORDER BY k');
    for (const row of rows) {
      const x = REALS[row.k] as number;
      assert.equal(sqliteNumberText(x, false), row.v, String(x));
      const pg = await postgres.db.get<{ v: string }>('SELECT plinth_num_text(CAST(? AS DOUBLE PRECISION)) AS v', [x]);
      assert.equal(pg?.v, row.v, `postgres ${x}`);
    }
  });
});

describe('PostgreSQL strftime and geoDistance match SQLite', () => {
  const TIMES: SqlValue[] = [
    '2024-03-10 13:45:07.123Z', '2024-02-29', '2024-01-31 23:59:59.999', '2023-12-31T10:00', '2024-01-0110:00',
    '1999-12-31 23:59:59.5+02:00', '2000-01-01 00:00:00-05:30', '12:34', '12:34:56.789', '2024-13-01',
    '2024-01-01 25:00', 'nonsense', '', '2460380.5', ' 2460380.5 ', 2460380.5, 0, 1700000000, '0000-01-01', '9999-12-31 23:00',
    '2024-01-01Z', -1, 5373484.6, -86400,
  ];
  const FORMATS = ['%Y-%m-%d %H:%M:%f', '%d %e %F %H %I %j %k %l %m %M %p %P %R %S %T', '%s %w %u %U %W %V %G %g', '%J', '%%Y', '%Q', 'x%', 'plain'];
  const MODIFIERS: string[][] = [
    [], ['+1 day'], ['-1.5 hours'], ['+90 minutes'], ['+30 seconds'], ['+1 month'], ['-1 month'], ['+1 month', 'floor'],
    ['+12 months'], ['+1 year'], ['-1 years', 'start of month'], ['start of day'], ['start of year', '+2.5 days'],
    ['weekday 0'], ['weekday 3'], ['weekday 7'], ['unixepoch'], ['auto'], ['julianday'], ['+1 day', 'unixepoch'],
    ['subsec'], ['+1 fortnight'], ['+01:00'], ['-02:30:15'], ['+24:00'], ['START OF MONTH'], ['+1.5 months'],
  ];

  test('strftime', async () => {
    const failures: string[] = [];
    for (const time of TIMES) {
      for (const mods of MODIFIERS) {
        for (const format of FORMATS) {
          const marks = mods.map(() => ', ?').join('');
          const expected = await sqlite.db.get<{ v: string | null }>(`SELECT strftime(?, ?${marks}) AS v`, [format, time, ...mods]);
          const tv = typeof time === 'number' ? 'to_jsonb(CAST(? AS DOUBLE PRECISION))' : 'to_jsonb(CAST(? AS TEXT))';
          const actual = await postgres.db.get<{ v: string | null }>(
            `SELECT plinth_strftime(CAST(? AS TEXT), ${tv}, CAST(? AS TEXT[])) AS v`,
            [format, time, `{${mods.map((m) => `"${m}"`).join(',')}}`],
          );
          if (expected?.v !== actual?.v) {
            failures.push(`${format} | ${JSON.stringify(time)} | ${mods.join(', ')}: sqlite ${expected?.v} / postgres ${actual?.v}`);
          }
        }
      }
    }
    assert.equal(failures.length, 0, failures.join('\n'));
  });

  test('geoDistance', async () => {
    const points = [[0, 0, 0, 0], [1, 2, 3, 4], [-122.4, 37.8, 2.35, 48.86], [180, 90, -180, -90], [10, 10, 10, 10], [0.1, 0.1, 0.1, 0.1000001]];
    for (const p of points) {
      const expected = await sqlite.db.get<{ v: number | null }>(
        'SELECT (6371 * acos(cos(radians(?)) * cos(radians(?)) * cos(radians(?) - radians(?)) + sin(radians(?)) * sin(radians(?))))  AS v',
        [p[1], p[3], p[2], p[0], p[1], p[3]] as number[],
      );
      const actual = await postgres.db.get<{ v: number | null }>(
        'SELECT plinth_geo_distance(CAST(? AS DOUBLE PRECISION), CAST(? AS DOUBLE PRECISION), CAST(? AS DOUBLE PRECISION), CAST(? AS DOUBLE PRECISION)) AS v',
        p,
      );
      assert.equal(actual?.v, expected?.v, p.join(','));
    }
  });
});
