// Schema migrations, recorded in the same `_migrations` table PocketBase uses, so a
// PocketBase data directory's history is read as ours: a migration whose `file` is
// already recorded is never run again.
//
// Facts kept from PocketBase: the table is `_migrations (file VARCHAR(255) PRIMARY KEY NOT
// NULL, applied INTEGER NOT NULL)`; `applied` is unix time in MICROseconds (very old
// PocketBase versions wrote seconds, which is why ordering normalises it); migrations run
// in file-name order. Unlike PocketBase, each migration runs in its own transaction, so a
// failure keeps the ones before it. On PostgreSQL `applied` is BIGINT (INTEGER is 32-bit
// there) and an advisory lock keeps two nodes from applying the same migration at once.
import type { Clock } from '../lib/clock.js';
import { systemClock } from '../lib/clock.js';
import type { Database, TransactionExecutor } from './types.js';

export const MIGRATIONS_TABLE = '_migrations';

/** The `pg_advisory_xact_lock` key every node takes while migrating (any fixed number works). */
const PG_MIGRATION_LOCK_KEY = 7_384_221_590_113;

export interface Migration {
  /** Unique name, recorded in `_migrations.file`; migrations run in ascending order of it. */
  readonly file: string;
  up(tx: TransactionExecutor): Promise<void>;
  /** Reverts `up`; a migration without it is only un-recorded by `down()`. */
  down?(tx: TransactionExecutor): Promise<void>;
}

export interface MigrationStatus {
  readonly file: string;
  readonly applied: boolean;
  /** When it was applied, unix microseconds (as recorded; old PocketBase rows hold seconds). */
  readonly appliedAt: number | null;
}

export interface AppliedMigration {
  readonly file: string;
  readonly applied: number;
}

export interface MigratorOptions {
  readonly clock?: Clock;
}

/** Seconds-valued rows (before ~2001 in microseconds) are scaled so both kinds order together. */
function normalisedMicros(applied: number): number {
  return applied < 1e12 ? applied * 1e6 : applied;
}

export class Migrator {
  private readonly migrations: readonly Migration[];
  private readonly clock: Clock;
  private initialised = false;

  constructor(
    private readonly db: Database,
    migrations: readonly Migration[],
    options: MigratorOptions = {},
  ) {
    const seen = new Set<string>();
    for (const m of migrations) {
      if (m.file === '' || m.file.length > 255) throw new Error(`invalid migration name ${JSON.stringify(m.file)}`);
      if (seen.has(m.file)) throw new Error(`duplicate migration ${m.file}`);
      seen.add(m.file);
    }
    this.migrations = [...migrations].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    this.clock = options.clock ?? systemClock;
  }

  /** Creates `_migrations` when missing (it already exists in a PocketBase data directory). */
  async init(): Promise<void> {
    if (this.initialised) return;
    const appliedType = this.db.dialect.bigintType;
    const ddl = `CREATE TABLE IF NOT EXISTS ${this.table()} (file VARCHAR(255) PRIMARY KEY NOT NULL, applied ${appliedType} NOT NULL)`;
    // Two nodes starting together would race on PostgreSQL's catalog ("IF NOT EXISTS" is
    // not atomic there), so the creation runs under the migration lock.
    await this.db.transaction(async (tx) => {
      if (tx.dialect.name === 'postgres') await tx.get('SELECT pg_advisory_xact_lock(?)', [PG_MIGRATION_LOCK_KEY]);
      await tx.exec(ddl);
    });
    this.initialised = true;
  }

  /** Every row of `_migrations`, including ones this migrator does not know (e.g. PocketBase's own). */
  async recorded(): Promise<AppliedMigration[]> {
    await this.init();
    const rows = await this.db.all<{ file: string; applied: number }>(`SELECT file, applied FROM ${this.table()}`);
    return rows
      .map((r) => ({ file: r.file, applied: Number(r.applied) }))
      .sort((a, b) => normalisedMicros(a.applied) - normalisedMicros(b.applied) || compare(a.file, b.file));
  }

  /** The registered migrations in run order, each marked applied or pending. */
  async list(): Promise<MigrationStatus[]> {
    const applied = new Map((await this.recorded()).map((r) => [r.file, r.applied]));
    return this.migrations.map((m) => {
      const at = applied.get(m.file);
      return { file: m.file, applied: at !== undefined, appliedAt: at ?? null };
    });
  }

  /** Applies every pending migration in order, one transaction each; returns the files applied. */
  async up(): Promise<string[]> {
    await this.init();
    const done: string[] = [];
    for (const m of this.migrations) {
      const ran = await this.db.transaction(async (tx) => {
        await this.lock(tx);
        if (await this.isRecorded(tx, m.file)) return false;
        await m.up(tx);
        await tx.run(`INSERT INTO ${this.table()} (file, applied) VALUES (?, ?)`, [m.file, this.nowMicros()]);
        return true;
      });
      if (ran) done.push(m.file);
    }
    return done;
  }

  /** Reverts the last `count` applied registered migrations, newest first; returns the files reverted. */
  async down(count = 1): Promise<string[]> {
    const known = new Map(this.migrations.map((m) => [m.file, m]));
    const newestFirst = (await this.recorded()).filter((r) => known.has(r.file)).reverse();
    const reverted: string[] = [];
    for (const row of newestFirst.slice(0, Math.max(0, count))) {
      const m = known.get(row.file);
      if (!m) continue;
      await this.db.transaction(async (tx) => {
        await this.lock(tx);
        if (!(await this.isRecorded(tx, m.file))) return;
        if (m.down) await m.down(tx);
        await tx.run(`DELETE FROM ${this.table()} WHERE file = ?`, [m.file]);
      });
      reverted.push(m.file);
    }
    return reverted;
  }

  private async isRecorded(tx: TransactionExecutor, file: string): Promise<boolean> {
    return (await tx.get(`SELECT 1 AS found FROM ${this.table()} WHERE file = ?`, [file])) !== undefined;
  }

  /** PostgreSQL: one migrating node at a time. SQLite's BEGIN IMMEDIATE already serialises. */
  private async lock(tx: TransactionExecutor): Promise<void> {
    if (tx.dialect.name === 'postgres') await tx.get('SELECT pg_advisory_xact_lock(?)', [PG_MIGRATION_LOCK_KEY]);
  }

  private nowMicros(): number {
    return this.clock.now().getTime() * 1000;
  }

  private table(): string {
    return this.db.dialect.quoteIdent(MIGRATIONS_TABLE);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
