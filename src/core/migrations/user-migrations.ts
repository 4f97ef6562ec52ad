// A project's own migrations: the files of one directory (`plinth_migrations/` by default),
// each an ES module exporting `up(app)` and optionally `down(app)`. They share `_migrations`
// with the system migrations, recorded under their file name, and run after them.
//
// Each file runs in its own transaction and the collection cache is reloaded after each
// commit, so a later migration's rules may name a collection an earlier one created. Files
// are loaded only when they run: an applied file that no longer compiles does not block
// the ones after it. Loading is injected (the app layer compiles TypeScript).

import { readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Clock } from '../../lib/clock.js';
import { MIGRATIONS_TABLE, Migrator, type Migration, type MigrationStatus } from '../../db/index.js';
import type { Database, TransactionExecutor } from '../../db/types.js';
import type { SaveSettings } from '../collections/collection-save.js';
import { AppError } from '../errors/index.js';
import { createMigrationContext } from './context.js';
import { systemMigrations } from './system.js';

export const MIGRATION_FILE_EXTENSIONS: readonly string[] = ['.ts', '.mts', '.js', '.mjs'];

/** Loads a module file and returns its exports (TypeScript compiled on the way). */
export type LoadModule = (file: string) => Promise<Record<string, unknown>>;

/** A user migration that could not load or failed while running; earlier ones stay applied. */
export class UserMigrationError extends Error {
  override name = 'UserMigrationError';
  constructor(
    readonly file: string,
    readonly step: 'up' | 'down',
    cause: unknown,
  ) {
    super(`migration ${file} (${step}) failed: ${describe(cause)}`, { cause });
  }
}

/** The error's message; a domain error also names its field errors (validation details). */
function describe(err: unknown): string {
  if (err instanceof AppError && Object.keys(err.data).length > 0) return `${err.message} ${JSON.stringify(err.data)}`;
  return err instanceof Error ? err.message : String(err);
}

export function isMigrationFileName(name: string): boolean {
  return MIGRATION_FILE_EXTENSIONS.includes(extname(name)) && !name.endsWith('.d.ts') && !name.startsWith('.');
}

export interface UserMigrationsOptions {
  db: Database;
  /** Absolute path of the migrations directory (it may not exist yet). */
  dir: string;
  load: LoadModule;
  clock: Clock;
  /** What collection saves need (the collection service's `saveSettings`). */
  saveSettings: SaveSettings;
  /** Runs after each migration commits: reload the collection cache. */
  afterCommit: () => Promise<void>;
}

export class UserMigrations {
  private readonly systemFiles: ReadonlySet<string>;

  constructor(private readonly options: UserMigrationsOptions) {
    this.systemFiles = new Set(systemMigrations(options.clock).map((m) => m.file));
  }

  get dir(): string {
    return this.options.dir;
  }

  /** The migration files' names, in run order. */
  files(): string[] {
    let names: string[];
    try {
      names = readdirSync(this.options.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return names.filter(isMigrationFileName).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  async list(): Promise<MigrationStatus[]> {
    return this.migrator(this.migrations()).list();
  }

  /** Applies the pending files in name order, one transaction each; returns the files applied. */
  async up(): Promise<string[]> {
    const all = this.migrations();
    const pending = (await this.migrator(all).list()).filter((m) => !m.applied).map((m) => m.file);
    const done: string[] = [];
    for (const migration of all.filter((m) => pending.includes(m.file))) {
      const ran = await this.migrator([migration]).up();
      if (ran.length > 0) await this.options.afterCommit();
      done.push(...ran);
    }
    return done;
  }

  /** Reverts the last `count` applied user migrations (by applied order), newest first. */
  async down(count = 1): Promise<string[]> {
    const migrator = this.migrator(this.migrations());
    const reverted: string[] = [];
    for (let i = 0; i < count; i++) {
      const one = await migrator.down(1);
      if (one.length === 0) break;
      await this.options.afterCommit();
      reverted.push(...one);
    }
    return reverted;
  }

  /** Forgets the recorded user migrations whose files are gone; returns their names. */
  async historySync(): Promise<string[]> {
    const present = new Set(this.files());
    const recorded = await this.migrator([]).recorded();
    const gone = recorded
      .map((r) => r.file)
      .filter((file) => isMigrationFileName(file) && !this.systemFiles.has(file) && !present.has(file));
    const table = this.options.db.dialect.quoteIdent(MIGRATIONS_TABLE);
    for (const file of gone) await this.options.db.run(`DELETE FROM ${table} WHERE file = ?`, [file]);
    return gone;
  }

  /** Records a file as applied without running it (automigrate: its change already happened). */
  async markApplied(file: string): Promise<void> {
    await this.migrator([]).init();
    const table = this.options.db.dialect.quoteIdent(MIGRATIONS_TABLE);
    const micros = this.options.clock.now().getTime() * 1000;
    await this.options.db.run(`INSERT INTO ${table} (file, applied) VALUES (?, ?)`, [file, micros]);
  }

  private migrator(migrations: readonly Migration[]): Migrator {
    return new Migrator(this.options.db, migrations, { clock: this.options.clock });
  }

  private migrations(): Migration[] {
    return this.files().map((file) => ({
      file,
      up: (tx) => this.run(file, 'up', tx),
      down: (tx) => this.run(file, 'down', tx),
    }));
  }

  private async run(file: string, step: 'up' | 'down', tx: TransactionExecutor): Promise<void> {
    try {
      const exports = await this.options.load(join(this.options.dir, file));
      const fn = exports[step];
      if (fn === undefined && step === 'down') return; // nothing to revert: only un-recorded
      if (typeof fn !== 'function') throw new Error(`the file exports no "${step}" function`);
      const context = createMigrationContext(tx, { settings: this.options.saveSettings, clock: this.options.clock });
      await (fn as (app: typeof context) => unknown)(context);
    } catch (err) {
      throw new UserMigrationError(file, step, err);
    }
  }
}
