// The filter case table run on both engines by filter.db.test.ts: filter text → the ids of
// the matching fixture rows (see test-fixture.ts for the rows). The expectations follow
// SQLite's behaviour under PocketBase's SQL, which is the reference for both engines.

export interface FilterCase {
  readonly filter: string;
  readonly ids: readonly string[] | 'all';
  readonly note?: string;
}

export const FILTER_CASES: readonly FilterCase[] = [
  // text equality and NULL/'' normalisation
  { filter: "title = 'hello'", ids: ['r2'] },
  { filter: "title != 'hello'", ids: ['r1', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8'] },
  { filter: "title = ''", ids: ['r3'] },
  { filter: 'title = null', ids: ['r3'] },
  { filter: "title != ''", ids: ['r1', 'r2', 'r4', 'r5', 'r6', 'r7', 'r8'] },
  { filter: "nt = ''", ids: ['r2', 'r3', 'r5'], note: "NULL and '' are equal" },
  { filter: 'nt != null', ids: ['r1', 'r4', 'r6', 'r7', 'r8'] },
  { filter: 'nt = title', ids: ['r3', 'r6'], note: 'COALESCE on both columns' },
  { filter: "nt = 'Ä'", ids: ['r7'] },
  { filter: "nt < 'a'", ids: ['r3', 'r4', 'r8'], note: 'byte order' },
  { filter: 'title > nt', ids: ['r7', 'r8'] },
  { filter: "title = 'Hello' || title = \"hello\"", ids: ['r2'] },
  { filter: "title ?= 'hello'", ids: ['r2'] },
  // LIKE
  { filter: "title ~ 'hello'", ids: ['r1', 'r2'], note: 'ASCII case-insensitive contains' },
  { filter: "title !~ 'hello'", ids: ['r3', 'r4', 'r5', 'r6', 'r7', 'r8'] },
  { filter: "title ~ 'ä'", ids: [], note: 'non-ASCII is case-sensitive' },
  { filter: "title ~ 'ü'", ids: ['r7'] },
  { filter: "title ~ '%'", ids: 'all', note: 'explicit wildcard pattern' },
  { filter: "title ~ '100%'", ids: ['r5'] },
  { filter: "title ~ '_'", ids: ['r5'], note: 'escaped underscore' },
  { filter: "title ~ '%sure\\\\%'", ids: ['r5'], note: 'escaped backslash in an explicit pattern' },
  { filter: "title ~ '\\s'", ids: [] },
  { filter: "title = 'a\u0000b'", ids: [], note: 'NUL cannot be bound on PostgreSQL: dropped' },
  { filter: "title ~ '\u0000'", ids: 'all', note: 'SQLite reads the pattern up to the NUL' },
  { filter: "'lo w' ~ title", ids: ['r3'], note: "column as pattern: '' matches" },
  { filter: "'xxabcxx' ~ nt", ids: ['r1', 'r3', 'r6'] },
  { filter: 'n ~ 5', ids: ['r1', 'r3', 'r5', 'r8'], note: 'numbers as text' },
  { filter: "n ~ '.5'", ids: ['r3', 'r5'] },
  { filter: "nn ~ '.'", ids: ['r4'], note: 'integral numbers have no decimal point' },
  { filter: 'b ~ 1', ids: ['r1', 'r4', 'r6'] },
  { filter: 'data ~ 5', ids: ['r2', 'r4'] },
  // numbers and SQLite's conversions
  { filter: 'n > 3', ids: ['r1', 'r4', 'r6', 'r8'] },
  { filter: "n = '5'", ids: ['r1', 'r8'], note: 'numeric affinity converts the text' },
  { filter: "n = '5.0'", ids: ['r1', 'r8'] },
  { filter: "n = ' 5 '", ids: ['r1', 'r8'] },
  { filter: "n = 'abc'", ids: [] },
  { filter: "n != 'abc'", ids: 'all' },
  { filter: "n < 'abc'", ids: 'all', note: 'numbers sort before text' },
  { filter: "n > 'abc'", ids: [] },
  { filter: "n = ''", ids: [] },
  { filter: 'title = 5', ids: ['r8'], note: "text affinity renders the REAL as '5.0'" },
  { filter: 'title = 5.0', ids: ['r8'] },
  { filter: 'title > 4', ids: ['r1', 'r2', 'r4', 'r6', 'r7', 'r8'] },
  { filter: 'nn = null', ids: ['r2', 'r6'] },
  { filter: "nn != ''", ids: ['r1', 'r3', 'r4', 'r5', 'r7', 'r8'] },
  { filter: 'n = nn', ids: ['r7', 'r8'] },
  { filter: 'n > nn', ids: ['r1', 'r4', 'r5'] },
  { filter: 'n >= -2.5 && n <= 1.5', ids: ['r2', 'r3', 'r5'] },
  // booleans
  { filter: 'b = true', ids: ['r1', 'r4', 'r6'] },
  { filter: 'b = false', ids: ['r2', 'r3', 'r5', 'r7', 'r8'] },
  { filter: 'b != true', ids: ['r2', 'r3', 'r5', 'r7', 'r8'] },
  { filter: "b = 'true'", ids: [] },
  { filter: 'b = 1', ids: ['r1', 'r4', 'r6'] },
  { filter: 'b > 0', ids: ['r1', 'r4', 'r6'] },
  { filter: 'b = TRUE', ids: ['r1', 'r4', 'r6'], note: 'keywords are case-insensitive' },
  // dates and macros
  { filter: "d > '2024-01-01'", ids: ['r1', 'r4', 'r5', 'r6', 'r7', 'r8'] },
  { filter: 'd >= @todayStart', ids: ['r4', 'r7'] },
  { filter: "d < @now && d != ''", ids: ['r1', 'r2', 'r5', 'r6', 'r8'] },
  { filter: '@second = 7 && @minute = 45 && @hour = 13 && @day = 10 && @month = 3 && @year = 2024 && @weekday = 0', ids: 'all' },
  { filter: "@monthStart = '2024-03-01 00:00:00.000Z' && @monthEnd = '2024-03-31 23:59:59.999Z'", ids: 'all' },
  { filter: "@yearStart = '2024-01-01 00:00:00.000Z' && @yearEnd = '2024-12-31 23:59:59.999Z'", ids: 'all' },
  { filter: "@yesterday = '2024-03-09 13:45:07.123Z' && @tomorrow = '2024-03-11 13:45:07.123Z'", ids: 'all' },
  { filter: "@todayEnd = '2024-03-10 23:59:59.999Z'", ids: 'all' },
  { filter: "@second = '7'", ids: [], note: 'an INTEGER against text, no affinity' },
  // JSON values
  { filter: 'data = 5', ids: ['r4'] },
  { filter: "data = '5'", ids: ['r2'] },
  { filter: 'data = null', ids: ['r3'] },
  { filter: "data = ''", ids: ['r8'] },
  { filter: 'data != null', ids: ['r1', 'r2', 'r4', 'r5', 'r6', 'r7', 'r8'] },
  { filter: 'data = true', ids: ['r5'] },
  { filter: 'data.a = 1', ids: ['r1'] },
  { filter: "data.a = '1'", ids: ['r6'] },
  { filter: 'data.a > 0', ids: ['r1', 'r6'] },
  { filter: 'data.arr.1 = 2', ids: ['r1'] },
  { filter: "data.s ~ 'X'", ids: ['r1'] },
  { filter: "data.missing = null && data.a != ''", ids: 'all', note: 'JSON values compare with IS / IS NOT' },
  // multi-valued (JSON array elements)
  { filter: "tags:each = 'a'", ids: ['r5'], note: 'every element' },
  { filter: "tags:each ?= 'a'", ids: ['r1', 'r4', 'r5', 'r8'], note: 'any element' },
  { filter: "tags:each != 'a'", ids: ['r2', 'r3', 'r6', 'r7'] },
  { filter: "tags:each ?!= 'a'", ids: ['r1', 'r2', 'r3', 'r4', 'r6', 'r7', 'r8'] },
  { filter: "tags:each ~ 'a'", ids: ['r5'] },
  { filter: "tags:each = ''", ids: ['r2'] },
  { filter: "tags:each > 'a'", ids: ['r3', 'r6', 'r7'] },
  { filter: "tags:each ?> 'b'", ids: ['r4', 'r6', 'r7', 'r8'] },
  { filter: 'tags:each = nt', ids: ['r2'], note: 'NULL element row vs NULL column' },
  // logic
  { filter: "title = 'x' || n > 50 && b = true", ids: ['r6'], note: '&& binds tighter' },
  { filter: "(title = 'hello' || n > 50) && b = false", ids: ['r2'] },
  { filter: 'nt = null && nn = null', ids: ['r2'] },
  { filter: "((((title = 'abc'))))", ids: ['r6'] },
  { filter: "title = 'hello' // a comment\n || n = 100", ids: ['r2', 'r6'] },
  // constants
  { filter: 'true = true', ids: 'all' },
  { filter: 'null = null', ids: 'all' },
  { filter: "null != ''", ids: [] },
  { filter: "'a' = 'a'", ids: 'all' },
  { filter: '1 < 2', ids: 'all' },
  { filter: "'10' < 9", ids: [], note: 'text sorts after numbers' },
  { filter: "9 < '10'", ids: 'all' },
  // functions
  { filter: "strftime('%Y', d) = '2024'", ids: ['r1', 'r5', 'r6', 'r7', 'r8'] },
  { filter: "strftime('%m', d) = '01'", ids: ['r1', 'r6', 'r8'] },
  { filter: "strftime('%Y-%m', d, '+1 month') = '2024-03'", ids: ['r5'] },
  { filter: "strftime('%w', d) = '1'", ids: ['r1', 'r6', 'r8'] },
  { filter: "strftime('%Y', d) = ''", ids: ['r3'] },
  { filter: "strftime('%j %U %W %V %G', d) = '060 08 09 09 2024'", ids: ['r5'] },
  { filter: "strftime('%s', d) = '1704103200'", ids: ['r1', 'r6', 'r8'] },
  { filter: "strftime('%Y', '2024-05-05') = '2024'", ids: 'all' },
  { filter: "strftime('%Y', d, 'start of year', '-1 day') = '2023'", ids: ['r1', 'r5', 'r6', 'r7', 'r8'] },
  { filter: 'geoDistance(0, 0, 0, 1) > 111 && geoDistance(0, 0, 0, 1) < 112', ids: 'all' },
  { filter: 'geoDistance(n, 0, 0, 0) < 200', ids: ['r2', 'r5'] },
  { filter: 'geoDistance(title, 0, 0, 0) < 1', ids: [], note: 'non-numeric text is NULL' },
  { filter: 'geoDistance(null, 0, 0, 0) = null', ids: 'all' },
];

export interface SortCase {
  readonly sort: string;
  readonly ids: readonly string[];
}

export const SORT_CASES: readonly SortCase[] = [
  { sort: 'title', ids: ['r3', 'r5', 'r4', 'r8', 'r1', 'r6', 'r2', 'r7'] },
  { sort: '-n,id', ids: ['r6', 'r4', 'r1', 'r8', 'r7', 'r5', 'r2', 'r3'] },
  { sort: 'nn,id', ids: ['r2', 'r6', 'r5', 'r3', 'r1', 'r4', 'r7', 'r8'] },
  { sort: '-nn,id', ids: ['r8', 'r7', 'r4', 'r1', 'r3', 'r5', 'r2', 'r6'] },
  { sort: 'data,id', ids: ['r3', 'r5', 'r4', 'r8', 'r2', 'r7', 'r6', 'r1'] },
  { sort: '@rowid', ids: ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8'] },
  { sort: '-@rowid', ids: ['r8', 'r7', 'r6', 'r5', 'r4', 'r3', 'r2', 'r1'] },
  { sort: 'b,-n', ids: ['r8', 'r7', 'r5', 'r2', 'r3', 'r6', 'r4', 'r1'] },
  { sort: ' d , +id ', ids: ['r3', 'r2', 'r1', 'r6', 'r8', 'r5', 'r7', 'r4'] },
  { sort: 'data.a,id', ids: ['r2', 'r3', 'r4', 'r5', 'r7', 'r8', 'r1', 'r6'] },
];
