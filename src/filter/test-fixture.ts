// Shared by the filter test suites (not itself a test): one table with a column of every
// kind, seeded with rows chosen to exercise NULL/'' normalisation, SQLite's type
// conversions, LIKE escaping and multi-valued matching, on a real database of each engine.
import type { Database, DialectName, SqlValue } from '../db/types.js';
import type { Clock } from '../lib/clock.js';
import { compileFilterText } from './compile.js';
import { POSTGRES_FILTER_FUNCTIONS_SQL } from './postgres-functions.js';
import { SimpleFieldResolver, type SimpleColumnKind } from './simple-resolver.js';
import { compileSort, parseSort } from './sort.js';

export const TABLE = 't';

export const COLUMNS: Readonly<Record<string, SimpleColumnKind>> = {
  id: 'text',
  title: 'text',
  n: 'number',
  b: 'bool',
  d: 'date',
  data: 'json',
  j: 'json',
  tags: 'array',
  nt: 'text',
  nn: 'number',
};

export interface SeedRow {
  id: string;
  title: string;
  n: number;
  b: boolean;
  d: string;
  /** JSON text or null. */
  data: string | null;
  /** JSON text of a scalar, or null. */
  j: string | null;
  /** JSON text. */
  tags: string;
  nt: string | null;
  nn: number | null;
}

export const SEED: readonly SeedRow[] = [
  { id: 'r1', title: 'Hello World', n: 5, b: true, d: '2024-01-01 10:00:00.000Z', data: '{"a":1,"s":"x","arr":[1,2]}', j: '1', tags: '["a","b"]', nt: 'x', nn: 1 },
  { id: 'r2', title: 'hello', n: 0, b: false, d: '2023-06-15 00:00:00.000Z', data: '"5"', j: '"x"', tags: '[]', nt: null, nn: null },
  { id: 'r3', title: '', n: -2.5, b: false, d: '', data: null, j: null, tags: '["b"]', nt: '', nn: 0 },
  { id: 'r4', title: '5', n: 10, b: true, d: '2025-12-31 23:59:59.999Z', data: '5', j: 'true', tags: '["a","c"]', nt: 'Y', nn: 2.5 },
  { id: 'r5', title: '100%_sure\\', n: 1.5, b: false, d: '2024-02-29 12:00:00.000Z', data: 'true', j: '2.5', tags: '["a"]', nt: null, nn: -1 },
  { id: 'r6', title: 'abc', n: 100, b: true, d: '2024-01-01 10:00:00.000Z', data: '{"a":"1"}', j: '""', tags: '["c","c"]', nt: 'abc', nn: null },
  { id: 'r7', title: 'ÄÖ ünïcode', n: 3, b: false, d: '2024-06-30 08:30:00.000Z', data: '[1,2]', j: '"5"', tags: '["ä"]', nt: 'Ä', nn: 3 },
  { id: 'r8', title: '5.0', n: 5, b: false, d: '2024-01-01 10:00:00.001Z', data: '""', j: 'false', tags: '["a","b","c"]', nt: '5', nn: 5 },
];

export const ALL_IDS = SEED.map((r) => r.id);

/** The clock every filter test uses: 2024-03-10 13:45:07.123 UTC (a Sunday). */
export const FIXED_CLOCK: Clock = { now: () => new Date(Date.UTC(2024, 2, 10, 13, 45, 7, 123)) };

function ddl(dialect: DialectName): string {
  if (dialect === 'sqlite') {
    return `CREATE TABLE "${TABLE}" (
      "id" TEXT PRIMARY KEY NOT NULL, "title" TEXT DEFAULT '' NOT NULL, "n" NUMERIC DEFAULT 0 NOT NULL,
      "b" BOOLEAN DEFAULT FALSE NOT NULL, "d" TEXT DEFAULT '' NOT NULL, "data" JSON DEFAULT NULL, "j" JSON DEFAULT NULL,
      "tags" JSON DEFAULT '[]' NOT NULL, "nt" TEXT NULL, "nn" NUMERIC NULL)`;
  }
  return `CREATE TABLE "${TABLE}" (
    "_rowid" BIGSERIAL, "id" TEXT PRIMARY KEY NOT NULL, "title" TEXT DEFAULT '' NOT NULL,
    "n" DOUBLE PRECISION DEFAULT 0 NOT NULL, "b" BOOLEAN DEFAULT FALSE NOT NULL, "d" TEXT DEFAULT '' NOT NULL,
    "data" JSONB DEFAULT NULL, "j" JSONB DEFAULT NULL, "tags" JSONB DEFAULT '[]' NOT NULL, "nt" TEXT NULL, "nn" DOUBLE PRECISION NULL)`;
}

/** Creates the helper functions (PostgreSQL), the table and its rows. */
export async function seed(db: Database, rows: readonly SeedRow[] = SEED): Promise<void> {
  const dialect = db.dialect.name;
  if (dialect === 'postgres') await db.exec(POSTGRES_FILTER_FUNCTIONS_SQL);
  await db.exec(`DROP TABLE IF EXISTS "${TABLE}"`);
  await db.exec(ddl(dialect));
  const json = dialect === 'postgres' ? 'CAST(? AS JSONB)' : '?';
  const sql = `INSERT INTO "${TABLE}" ("id", "title", "n", "b", "d", "data", "j", "tags", "nt", "nn") VALUES (?, ?, ?, ?, ?, ${json}, ${json}, ${json}, ?, ?)`;
  for (const r of rows) {
    const b: SqlValue = dialect === 'postgres' ? r.b : r.b ? 1 : 0;
    await db.run(sql, [r.id, r.title, r.n, b, r.d, r.data, r.j, r.tags, r.nt, r.nn]);
  }
  // Statistics keep PostgreSQL's cost estimates (and so its JIT decision) realistic for tiny tables.
  if (dialect === 'postgres') await db.exec(`ANALYZE "${TABLE}"`);
}

export function resolverFor(dialect: DialectName): SimpleFieldResolver {
  return new SimpleFieldResolver({
    dialect,
    table: TABLE,
    columns: COLUMNS,
    rowidColumn: dialect === 'sqlite' ? '_rowid_' : '_rowid',
  });
}

/** Compiles a filter (and optional sort) against the fixture table and returns the row ids. */
export async function queryIds(db: Database, filter: string, sort?: string): Promise<string[]> {
  const dialect = db.dialect.name;
  const resolver = resolverFor(dialect);
  const where = compileFilterText(filter, { resolver, dialect, clock: FIXED_CLOCK });
  const order = sort ? compileSort(parseSort(sort), { resolver, dialect }) : [];
  const orderSql = order.length > 0 ? order.map((o) => o.sql).join(', ') : `"${TABLE}"."id"`;
  const select = order.length > 0 ? `"${TABLE}"."id"` : `DISTINCT "${TABLE}"."id"`;
  const sql = `SELECT ${select} FROM "${TABLE}" ${resolver.joins().join(' ')} WHERE ${where.sql} ORDER BY ${orderSql}`;
  const rows = await db.all<{ id: string }>(sql, where.params);
  return rows.map((r) => r.id);
}
