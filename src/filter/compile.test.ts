// SQL text per dialect for a representative subset (the db test runs every case for real).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DialectName, SqlValue } from '../db/types.js';
import { compileFilterText } from './compile.js';
import { FilterError } from './errors.js';
import type { FieldResolver, ResolvedField } from './resolver.js';
import { compileSort, parseSort } from './sort.js';
import { FIXED_CLOCK, resolverFor } from './test-fixture.js';

function compile(filter: string, dialect: DialectName, resolver: FieldResolver = resolverFor(dialect)) {
  return compileFilterText(filter, { resolver, dialect, clock: FIXED_CLOCK });
}

interface SqlCase {
  filter: string;
  sqlite: [string, SqlValue[]];
  postgres: [string, SqlValue[]];
}

const CASES: SqlCase[] = [
  {
    filter: "title = 'x'",
    sqlite: ['"t"."title" = ?', ['x']],
    postgres: ['"t"."title" = CAST(? AS TEXT)', ['x']],
  },
  {
    filter: "title != ''",
    sqlite: [`("t"."title" IS NOT '' AND "t"."title" IS NOT NULL)`, []],
    postgres: [`("t"."title" IS DISTINCT FROM CAST('' AS TEXT) AND "t"."title" IS NOT NULL)`, []],
  },
  {
    filter: "'' = null && null != ''",
    sqlite: [`('' = '' AND '' IS NOT '')`, []],
    postgres: [`(CAST('' AS TEXT) = CAST('' AS TEXT) AND CAST('' AS TEXT) IS DISTINCT FROM CAST('' AS TEXT))`, []],
  },
  {
    filter: 'nt = title',
    sqlite: [`COALESCE("t"."nt", '') = COALESCE("t"."title", '')`, []],
    postgres: [`COALESCE("t"."nt", '') = COALESCE("t"."title", '')`, []],
  },
  {
    filter: "n = '5'",
    sqlite: ['"t"."n" = ?', ['5']],
    postgres: ['"t"."n" = CAST(? AS DOUBLE PRECISION)', [5]],
  },
  {
    filter: 'title = 5',
    sqlite: ['"t"."title" = ?', [5]],
    postgres: ['"t"."title" = CAST(? AS TEXT)', ['5.0']],
  },
  {
    filter: "title ~ 'a_b' && title !~ '%x'",
    sqlite: [`("t"."title" LIKE ? ESCAPE '\\' AND "t"."title" NOT LIKE ? ESCAPE '\\')`, ['%a\\_b%', '%x']],
    postgres: [
      `(plinth_lower("t"."title") LIKE plinth_lower(CAST(? AS TEXT)) ESCAPE '\\' AND NOT plinth_lower("t"."title") LIKE plinth_lower(CAST(? AS TEXT)) ESCAPE '\\')`,
      ['%a\\_b%', '%x'],
    ],
  },
  {
    filter: "'x' ~ title",
    sqlite: [`? LIKE ('%' || "t"."title" || '%') ESCAPE '\\'`, ['x']],
    postgres: [`plinth_lower(CAST(? AS TEXT)) LIKE plinth_lower('%' || "t"."title" || '%') ESCAPE '\\'`, ['x']],
  },
  {
    filter: 'b = true || b != false',
    sqlite: ['("t"."b" = 1 OR "t"."b" IS NOT 0)', []],
    postgres: ['(CAST("t"."b" AS INT) = 1 OR CAST("t"."b" AS INT) IS DISTINCT FROM 0)', []],
  },
  {
    filter: 'd > @now',
    sqlite: ['"t"."d" > ?', ['2024-03-10 13:45:07.123Z']],
    postgres: ['"t"."d" > CAST(? AS TEXT) COLLATE "C"', ['2024-03-10 13:45:07.123Z']],
  },
  {
    filter: '@second < n',
    sqlite: ['? < "t"."n"', [7n]],
    postgres: ['CAST(? AS DOUBLE PRECISION) < "t"."n"', [7]],
  },
  {
    filter: 'data.a = 1',
    sqlite: [
      `(CASE WHEN json_valid("t"."data") THEN JSON_EXTRACT("t"."data", '$.a') ELSE JSON_EXTRACT(json_object('pb', "t"."data"), '$.pb.a') END) IS ?`,
      [1],
    ],
    postgres: [`plinth_is(plinth_sqlv(("t"."data" #> '{a}')), to_jsonb(CAST(? AS DOUBLE PRECISION)))`, [1]],
  },
  {
    filter: "tags:each ?= 'a'",
    sqlite: ['"__je_tags"."value" = ?', ['a']],
    postgres: ['"__je_tags"."value" = CAST(? AS TEXT)', ['a']],
  },
  {
    filter: "strftime('%Y', d) = '2024'",
    sqlite: ['strftime(?, "t"."d") = ?', ['%Y', '2024']],
    postgres: [`plinth_strftime(CAST(? AS TEXT), to_jsonb("t"."d"), CAST(ARRAY[] AS TEXT[])) = CAST(? AS TEXT)`, ['%Y', '2024']],
  },
  {
    filter: 'geoDistance(1, 2, 3, 4) < 567',
    sqlite: [
      '(6371 * acos(cos(radians(?)) * cos(radians(?)) * cos(radians(?) - radians(?)) + sin(radians(?)) * sin(radians(?)))) < ?',
      [2, 4, 3, 1, 2, 4, 567],
    ],
    postgres: [
      'plinth_geo_distance(CAST(? AS DOUBLE PRECISION), CAST(? AS DOUBLE PRECISION), CAST(? AS DOUBLE PRECISION), CAST(? AS DOUBLE PRECISION)) < CAST(? AS DOUBLE PRECISION)',
      [1, 2, 3, 4, 567],
    ],
  },
  {
    filter: "title = 'a' || n > 1 && b = false",
    sqlite: ['("t"."title" = ? OR ("t"."n" > ? AND "t"."b" = 0))', ['a', 1]],
    postgres: ['("t"."title" = CAST(? AS TEXT) OR ("t"."n" > CAST(? AS DOUBLE PRECISION) AND CAST("t"."b" AS INT) = 0))', ['a', 1]],
  },
];

describe('compiled SQL', () => {
  for (const c of CASES) {
    for (const dialect of ['sqlite', 'postgres'] as const) {
      test(`${dialect}: ${c.filter}`, () => {
        const { sql, params } = compile(c.filter, dialect);
        assert.equal(sql, c[dialect][0]);
        assert.deepEqual(params, c[dialect][1]);
      });
    }
  }

  test('multi-valued operands add a NOT EXISTS over the other values', () => {
    const { sql, params } = compile("tags:each = 'a'", 'sqlite');
    assert.equal(
      sql,
      `("__je_tags"."value" = ? AND NOT EXISTS (SELECT 1 FROM (SELECT "__mm_je_tags"."value" AS "multiMatchValue" FROM "t" "__mm_t" ` +
        `LEFT JOIN json_each(CASE WHEN iif(json_valid("__mm_t"."tags"), json_type("__mm_t"."tags")='array', FALSE) THEN "__mm_t"."tags" ELSE json_array("__mm_t"."tags") END) "__mm_je_tags" ` +
        `WHERE "__mm_t"."id" = "t"."id") "__sm1" WHERE NOT ("__sm1"."multiMatchValue" = ?)))`,
    );
    assert.deepEqual(params, ['a', 'a']);
  });

  test('two multi-valued operands use a pairwise NOT EXISTS', () => {
    const { sql } = compile('tags:each = tags:each', 'postgres');
    assert.match(sql, /NOT EXISTS \(SELECT 1 FROM \(SELECT .* AS "__ml1" LEFT JOIN \(SELECT .* AS "__mr2" ON TRUE WHERE NOT \(/);
  });
});

describe('values are always bound', () => {
  test('no literal from the filter reaches the SQL text', () => {
    const marker = "zz'; DROP TABLE t; --";
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const { sql, params } = compile(`title = "${marker}" || title ~ "${marker}" || n > 12345`, dialect);
      assert.ok(!sql.includes('DROP') && !sql.includes('12345'), sql);
      assert.equal(params.filter((p) => typeof p === 'string' && p.includes('DROP')).length, 2);
      assert.equal((sql.match(/\?/g) ?? []).length, params.length);
    }
  });
});

describe('compile errors', () => {
  const cases = [
    'unknown = 1',
    'title = unknown',
    'foo(1) = 1',
    'geoDistance(1, 2, 3) < 1',
    "geoDistance(1, 2, 3, 'x') < 1",
    "geoDistance(1, 2, 3, strftime('%Y')) < 1",
    'strftime() = 1',
    'strftime(d) = 1',
    "strftime('%Y', strftime('%Y')) = 1",
    "strftime('%Y', d, 1) = 1",
    `strftime('%Y', d${", 'x'".repeat(9)}) = 1`,
    'title:each = 1',
    'data:lower = 1',
  ];
  for (const text of cases) {
    test(text, () => {
      for (const dialect of ['sqlite', 'postgres'] as const) assert.throws(() => compile(text, dialect), FilterError);
    });
  }
});

describe('resolved constants', () => {
  const values: Record<string, ResolvedField> = {
    '@v.true': { type: 'value', value: true },
    '@v.null': { type: 'value', value: null },
    '@v.int': { type: 'value', value: 5, integer: true },
  };
  const withValues = (dialect: DialectName): FieldResolver => {
    const base = resolverFor(dialect);
    return { resolve: (name) => values[name] ?? base.resolve(name) };
  };

  test('booleans bind as integers on SQLite', () => {
    assert.deepEqual(compile('b = @v.true', 'sqlite', withValues('sqlite')), { sql: '"t"."b" = ?', params: [1n] });
    assert.deepEqual(compile('b = @v.true', 'postgres', withValues('postgres')), {
      sql: 'CAST("t"."b" AS INT) = CAST(? AS DOUBLE PRECISION)',
      params: [1],
    });
  });

  test('NULL values become the NULL literal', () => {
    assert.deepEqual(compile('title = @v.null', 'sqlite', withValues('sqlite')), {
      sql: `("t"."title" = '' OR "t"."title" IS NULL)`,
      params: [],
    });
  });

  test('integer values render as integers under text affinity', () => {
    assert.deepEqual(compile('title = @v.int', 'postgres', withValues('postgres')).params, ['5']);
  });
});

describe('sort', () => {
  test('parseSort', () => {
    assert.deepEqual(parseSort(' -a, +b ,c'), [
      { name: 'a', direction: 'DESC' },
      { name: 'b', direction: 'ASC' },
      { name: 'c', direction: 'ASC' },
    ]);
    assert.deepEqual(parseSort(''), []);
  });

  test('SQL per dialect', () => {
    const terms = parseSort('-title,n,@random,@rowid,data');
    const sqlite = compileSort(terms, { resolver: resolverFor('sqlite'), dialect: 'sqlite' }).map((f) => f.sql);
    assert.deepEqual(sqlite.slice(0, 4), ['"t"."title" DESC', '"t"."n" ASC', 'RANDOM()', '"t"."_rowid_" ASC']);
    const pg = compileSort(terms, { resolver: resolverFor('postgres'), dialect: 'postgres' }).map((f) => f.sql);
    assert.deepEqual(pg.slice(0, 4), ['"t"."title" COLLATE "C" DESC NULLS LAST', '"t"."n" ASC NULLS FIRST', 'RANDOM()', '"t"."_rowid" ASC']);
    assert.deepEqual(pg.slice(4), [
      'plinth_sort_rank(plinth_sqlv("t"."data")) ASC',
      'plinth_sort_num(plinth_sqlv("t"."data")) ASC',
      'plinth_sort_text(plinth_sqlv("t"."data")) COLLATE "C" ASC',
    ]);
  });

  test('invalid terms', () => {
    const resolver = resolverFor('sqlite');
    for (const text of ['unknown', 'a,,b', '', 'null', '@request.auth.id', `${'a'.repeat(256)}`]) {
      const terms = text === '' ? [{ name: '', direction: 'ASC' as const }] : parseSort(text);
      assert.throws(() => compileSort(terms, { resolver, dialect: 'sqlite' }), FilterError, text);
    }
    assert.throws(() => compileSort(parseSort('a,b,c,d,e,f,g,h,i'), { resolver, dialect: 'sqlite' }), FilterError);
    const noRowid: FieldResolver = { resolve: (n) => resolver.resolve(n) };
    assert.throws(() => compileSort(parseSort('@rowid'), { resolver: noRowid, dialect: 'sqlite' }), FilterError);
  });
});
