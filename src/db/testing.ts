// Test support for every suite that touches SQL: each suite gets its own empty database
// on each engine (a temp file for SQLite, a fresh schema for PostgreSQL), so suites can
// run in parallel without seeing each other's tables.
//
// Usage, one describe block per engine sharing one database per block:
//
//   forEachDialect((dialect, getDb) => {
//     test('inserts', async () => {
//       const db = getDb();
//       await db.exec('CREATE TABLE t (id TEXT PRIMARY KEY)');
//       ...
//     });
//   });
//
// For a fresh database per test, call `openTestDatabase(dialect)` in the test and
// `cleanup()` when done. PostgreSQL being unreachable is an error, never a skip.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { openPostgres } from './postgres/index.js';
import { openSqlite } from './sqlite/index.js';
import type { Database, DialectName } from './types.js';

/** Every engine a SQL test must run on. */
export const TEST_DIALECTS: DialectName[] = ['sqlite', 'postgres'];

export const DEFAULT_TEST_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  readonly dialect: DialectName;
  readonly db: Database;
  /** PostgreSQL: a URL whose connections use this database's schema (to start a server on it). */
  readonly url?: string;
  /** SQLite: the temp directory holding `data.db` (a pb_data-like dir). */
  readonly dir?: string;
  /** Closes the database and removes its file or schema. Safe to call twice. */
  cleanup(): Promise<void>;
}

/** Base PostgreSQL URL for tests: `PLINTH_TEST_PG_URL` or the local default. */
export function testPostgresUrl(): string {
  return process.env['PLINTH_TEST_PG_URL'] || DEFAULT_TEST_PG_URL;
}

/** Adds `options=-c search_path=<schema>` to a PostgreSQL URL. */
export function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

async function openSqliteTest(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'plinth-test-'));
  const db = await openSqlite({ file: join(dir, 'data.db') });
  let done = false;
  return {
    dialect: 'sqlite',
    db,
    dir,
    async cleanup() {
      if (done) return;
      done = true;
      try {
        await db.close();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

async function openPostgresTest(): Promise<TestDatabase> {
  const baseUrl = testPostgresUrl();
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const url = withSearchPath(baseUrl, schema);
  let db: Database;
  try {
    db = await openPostgres({ url, max: 4 });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `PostgreSQL is required for tests but is not reachable at ${redact(baseUrl)} (${reason}). ` +
        'Start it or set PLINTH_TEST_PG_URL.',
      { cause: err },
    );
  }
  await db.exec(`CREATE SCHEMA "${schema}"`);
  let done = false;
  return {
    dialect: 'postgres',
    db,
    url,
    async cleanup() {
      if (done) return;
      done = true;
      try {
        await db.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await db.close();
      }
    },
  };
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** Opens an empty database of the given engine for one test or suite. */
export async function openTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  switch (dialect) {
    case 'sqlite':
      return openSqliteTest();
    case 'postgres':
      return openPostgresTest();
  }
}

export interface ForEachDialectOptions {
  /** Prefix of each describe block's title (default: none, so blocks are named `sqlite`/`postgres`). */
  readonly title?: string;
}

/**
 * Declares one `describe` block per engine in TEST_DIALECTS. Each block opens its own
 * empty database before its tests and cleans it up after them. `getDb()` (and
 * `getHandle()`, which also has `url`/`dir`) may only be called inside tests or hooks.
 */
export function forEachDialect(
  body: (dialect: DialectName, getDb: () => Database, getHandle: () => TestDatabase) => void,
  options: ForEachDialectOptions = {},
): void {
  for (const dialect of TEST_DIALECTS) {
    const title = options.title ? `${options.title} [${dialect}]` : dialect;
    void describe(title, () => {
      let handle: TestDatabase | undefined;
      before(async () => {
        handle = await openTestDatabase(dialect);
      });
      after(async () => {
        await handle?.cleanup();
      });
      const getHandle = (): TestDatabase => {
        if (!handle) throw new Error(`test database for ${dialect} is not open (call getDb() inside a test or hook)`);
        return handle;
      };
      body(dialect, () => getHandle().db, getHandle);
    });
  }
}
