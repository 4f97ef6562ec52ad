// One better-sqlite3 connection with a bounded prepared-statement cache. Calls are
// synchronous underneath; the async surface matches the Executor port.
import type BetterSqlite3 from 'better-sqlite3';
import { BoundedCache } from '../bounded-cache.js';
import { sqliteDialect } from '../dialects.js';
import type { Dialect, Row, SqlValue } from '../types.js';
import { toDbError } from './sqlite-errors.js';

type Statement = BetterSqlite3.Statement<unknown[], unknown>;
type BoundValue = string | number | bigint | null | Buffer;

/** better-sqlite3 refuses booleans and plain Uint8Arrays: store booleans as 1/0 and bytes as Buffer. */
function toBound(value: SqlValue): BoundValue {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return value as BoundValue;
}

function bindAll(params: readonly SqlValue[] | undefined): BoundValue[] {
  return params ? params.map(toBound) : [];
}

export class SqliteConnection {
  readonly dialect: Dialect = sqliteDialect;
  private readonly statements: BoundedCache<string, Statement>;

  constructor(
    readonly raw: BetterSqlite3.Database,
    statementCacheSize: number,
  ) {
    this.statements = new BoundedCache(statementCacheSize);
  }

  /** Prepares (or reuses) a statement; throws DbError on syntax errors. */
  prepare(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (stmt === undefined) {
      try {
        stmt = this.raw.prepare(sql);
      } catch (err) {
        throw toDbError(err);
      }
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  allSync<T>(stmt: Statement, params: readonly SqlValue[] | undefined): T[] {
    try {
      if (!stmt.reader) {
        stmt.run(...bindAll(params));
        return [];
      }
      return stmt.all(...bindAll(params)) as T[];
    } catch (err) {
      throw toDbError(err);
    }
  }

  getSync<T>(stmt: Statement, params: readonly SqlValue[] | undefined): T | undefined {
    try {
      if (!stmt.reader) {
        stmt.run(...bindAll(params));
        return undefined;
      }
      return stmt.get(...bindAll(params)) as T | undefined;
    } catch (err) {
      throw toDbError(err);
    }
  }

  runSync(stmt: Statement, params: readonly SqlValue[] | undefined): { changes: number } {
    try {
      return { changes: stmt.run(...bindAll(params)).changes };
    } catch (err) {
      throw toDbError(err);
    }
  }

  execSync(sql: string): void {
    try {
      this.raw.exec(sql);
    } catch (err) {
      throw toDbError(err);
    }
  }

  // The async Executor surface (used by transaction scopes bound to this connection).
  async all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.allSync<T>(this.prepare(sql), params);
  }

  async get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return this.getSync<T>(this.prepare(sql), params);
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    return this.runSync(this.prepare(sql), params);
  }

  async exec(sql: string): Promise<void> {
    this.execSync(sql);
  }

  close(): void {
    this.statements.clear();
    if (this.raw.open) this.raw.close();
  }
}
