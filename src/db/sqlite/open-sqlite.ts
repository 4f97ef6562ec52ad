// The SQLite adapter. Two connections to one WAL-mode file:
// - the WRITER runs every transaction and every statement that may write. Callers take
//   turns through a FIFO lock, because better-sqlite3 has one transaction per connection
//   and an `await` inside one caller's transaction must not let another caller's
//   statements run inside it.
// - the READER runs read-only statements issued outside a transaction. In WAL mode it
//   sees the last committed state, never the writer's open transaction.
import BetterSqlite3 from 'better-sqlite3';
import { AsyncMutex } from '../async-mutex.js';
import { sqliteDialect } from '../dialects.js';
import { listColumns, listTables, tableExists } from '../introspection.js';
import { runTransaction } from '../transaction-scope.js';
import type { ColumnInfo, Database, Dialect, Row, SqlValue, TransactionExecutor } from '../types.js';
import { SqliteConnection } from './sqlite-connection.js';
import { toDbError } from './sqlite-errors.js';

export interface SqliteOptions {
  /** Path of the database file (created if missing). WAL needs a real file, not `:memory:`. */
  readonly file: string;
  /** `NORMAL` (default, as PocketBase) may lose the last commits on power loss, never corrupts; `FULL` does not lose them. */
  readonly synchronous?: 'NORMAL' | 'FULL';
  /** How long a statement waits for a lock held by another process, in ms (default 10000). */
  readonly busyTimeoutMs?: number;
  /** Prepared statements kept per connection (default 500). */
  readonly statementCacheSize?: number;
}

/** The same settings PocketBase uses, so a pb_data directory behaves as it does there. */
function applyPragmas(db: BetterSqlite3.Database, options: SqliteOptions): void {
  // busy_timeout first: switching to WAL needs a lock another process may hold.
  db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 10000)}`);
  db.pragma('journal_mode = WAL');
  db.pragma('journal_size_limit = 200000000');
  db.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -32000'); // 32 MB
}

function openConnection(options: SqliteOptions): SqliteConnection {
  let raw: BetterSqlite3.Database;
  try {
    raw = new BetterSqlite3(options.file);
    applyPragmas(raw, options);
  } catch (err) {
    throw toDbError(err);
  }
  return new SqliteConnection(raw, options.statementCacheSize ?? 500);
}

class SqliteDatabase implements Database {
  readonly dialect: Dialect = sqliteDialect;
  private readonly writeLock = new AsyncMutex();
  private closed = false;

  constructor(
    private readonly writer: SqliteConnection,
    private readonly reader: SqliteConnection,
  ) {}

  async all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    const stmt = this.reader.prepare(sql);
    if (stmt.readonly) return this.reader.allSync<T>(stmt, params);
    return this.withWriter(() => this.writer.all<T>(sql, params));
  }

  async get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    const stmt = this.reader.prepare(sql);
    if (stmt.readonly) return this.reader.getSync<T>(stmt, params);
    return this.withWriter(() => this.writer.get<T>(sql, params));
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    return this.withWriter(() => this.writer.run(sql, params));
  }

  exec(sql: string): Promise<void> {
    return this.withWriter(() => this.writer.exec(sql));
  }

  transaction<T>(fn: (tx: TransactionExecutor) => Promise<T>): Promise<T> {
    // IMMEDIATE takes the write lock at BEGIN, so a transaction that reads then writes
    // cannot fail half-way with SQLITE_BUSY because another process wrote in between.
    return this.withWriter(() => runTransaction({ conn: this.writer, begin: 'BEGIN IMMEDIATE' }, fn));
  }

  tableExists(name: string): Promise<boolean> {
    return tableExists(this, name);
  }

  listTables(): Promise<string[]> {
    return listTables(this);
  }

  listColumns(table: string): Promise<ColumnInfo[]> {
    return listColumns(this, table);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Wait for transactions already queued, then fold the WAL back into the main file.
    await this.writeLock.runExclusive(async () => {
      try {
        this.writer.execSync('PRAGMA wal_checkpoint(TRUNCATE)');
      } finally {
        this.reader.close();
        this.writer.close();
      }
    });
  }

  private withWriter<T>(op: () => Promise<T>): Promise<T> {
    return this.writeLock.runExclusive(op);
  }
}

/** Opens (creating if needed) a SQLite database file. */
export async function openSqlite(options: SqliteOptions): Promise<Database> {
  const writer = openConnection(options);
  let reader: SqliteConnection;
  try {
    reader = openConnection(options);
    // Read-only statements are routed here; refusing writes is a second line of defence.
    reader.execSync('PRAGMA query_only = ON');
  } catch (err) {
    writer.close();
    throw err;
  }
  return new SqliteDatabase(writer, reader);
}
