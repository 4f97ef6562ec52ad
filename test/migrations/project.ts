// A throwaway project for migration tests: a temp directory with `plinth_migrations/` and a
// data directory, on SQLite or on a fresh PostgreSQL schema, and `migrate` run in-process.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { openApp, type PlinthApp } from '../../src/app/index.js';
import { migrateCommand } from '../../src/cli/migrate.js';
import { loadConfig, type ConfigOverrides } from '../../src/config/index.js';
import type { DialectName } from '../../src/db/types.js';
import { testDatabaseUrl } from '../support/app.js';
import { tempDir } from '../support/server.js';

export interface TestProject {
  readonly root: string;
  readonly migrationsDir: string;
  /** Writes a file into the migrations directory. */
  write(name: string, source: string): void;
  /** Runs `plinth migrate ARGS` against this project's database. */
  migrate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Opens the app on this project's database (no migrations applied), runs `fn`, closes it. */
  withApp<T>(fn: (app: PlinthApp) => Promise<T>, overrides?: ConfigOverrides): Promise<T>;
  /** Config flags that point at this project's database and migrations. */
  readonly flags: ConfigOverrides;
  cleanup(): Promise<void>;
}

/** A project whose migrations directory is `migrationsDir` when given (to replay another project's files). */
export async function createProject(dialect: DialectName, migrationsDir?: string): Promise<TestProject> {
  const root = tempDir('plinth-migrations-');
  const dir = migrationsDir ?? join(root, 'plinth_migrations');
  mkdirSync(dir, { recursive: true });
  const database = await testDatabaseUrl(dialect);
  const flags: ConfigOverrides = { dir: join(root, 'data'), db: database.url, migrationsDir: dir };
  const cliFlags = ['--dir', flags.dir!, '--migrations-dir', dir, ...(database.url ? ['--db', database.url] : [])];
  return {
    root,
    migrationsDir: dir,
    flags,
    write(name, source) {
      writeFileSync(join(dir, name), source);
    },
    async migrate(...args) {
      let stdout = '';
      let stderr = '';
      const output = { out: { write: (s: string) => (stdout += s) }, err: { write: (s: string) => (stderr += s) } };
      const code = await migrateCommand([...cliFlags, ...args], output); // later flags win
      return { code, stdout, stderr };
    },
    async withApp(fn, overrides = {}) {
      const config = loadConfig({ ...flags, ...overrides }, { env: {} });
      const app = await openApp(config, { migrate: false, logger: pino({ level: 'silent' }) });
      try {
        await app.core.store.reload().catch(() => undefined);
        return await fn(app);
      } finally {
        await app.close();
      }
    },
    async cleanup() {
      await database.cleanup();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Files recorded in `_migrations`. */
export async function recordedFiles(app: PlinthApp): Promise<string[]> {
  return (await app.migrations.recorded()).map((r) => r.file);
}

/** Column names of a table (empty when it does not exist), without PostgreSQL's internal `_rowid`. */
export async function columnsOf(app: PlinthApp, table: string): Promise<string[]> {
  if (!(await app.db.tableExists(table))) return [];
  return (await app.db.listColumns(table)).map((c) => c.name).filter((n) => n !== '_rowid').sort();
}
