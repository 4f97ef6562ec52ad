// The executor handed to transaction callbacks, shared by both adapters.
//
// Two rules make the engines behave alike inside a transaction:
// - A failed statement spoils the transaction (PostgreSQL does this natively; SQLite would
//   carry on). Later statements are refused, and the transaction rolls back even if the
//   callback swallowed the error. To recover from an expected failure (e.g. a unique
//   violation), run the attempt in a nested `tx.transaction(...)`: only that savepoint is lost.
// - Once its callback has settled a scope is closed, so a reference that escaped it cannot
//   run statements outside the transaction's lock.
import { AsyncMutex } from './async-mutex.js';
import { DbError } from './errors.js';
import type { Dialect, Executor, Row, SqlValue, TransactionExecutor } from './types.js';

export class TransactionScope implements TransactionExecutor {
  private closed = false;
  /** The first statement error in this scope, if any. */
  private failure: unknown = undefined;
  private failed = false;
  /** Nested savepoints on one scope run one after another, never interleaved. */
  private readonly nestedLock = new AsyncMutex();

  constructor(
    private readonly conn: Executor,
    private readonly depth: number,
  ) {}

  get dialect(): Dialect {
    return this.conn.dialect;
  }

  all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.guard(() => this.conn.all<T>(sql, params));
  }

  get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return this.guard(() => this.conn.get<T>(sql, params));
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    return this.guard(() => this.conn.run(sql, params));
  }

  exec(sql: string): Promise<void> {
    return this.guard(() => this.conn.exec(sql));
  }

  async transaction<T>(fn: (tx: TransactionExecutor) => Promise<T>): Promise<T> {
    this.assertUsable();
    return this.nestedLock.runExclusive(async () => {
      this.assertUsable();
      const name = `plinth_sp_${this.depth + 1}`;
      await this.guard(() => this.conn.exec(`SAVEPOINT ${name}`));
      const child = new TransactionScope(this.conn, this.depth + 1);
      try {
        const result = await fn(child);
        child.throwIfFailed();
        await this.guard(() => this.conn.exec(`RELEASE SAVEPOINT ${name}`));
        return result;
      } catch (err) {
        await this.rollbackTo(name);
        throw err;
      } finally {
        child.close();
      }
    });
  }

  /** Throws the statement error that spoiled this scope, if one did. */
  throwIfFailed(): void {
    if (this.failed) throw this.failure;
  }

  close(): void {
    this.closed = true;
  }

  private async rollbackTo(name: string): Promise<void> {
    try {
      await this.conn.exec(`ROLLBACK TO SAVEPOINT ${name}`);
      await this.conn.exec(`RELEASE SAVEPOINT ${name}`);
    } catch (err) {
      // The engine already rolled back further than the savepoint (SQLite does so on
      // some errors); the outer transaction cannot continue.
      this.markFailed(err);
    }
  }

  private async guard<T>(op: () => Promise<T>): Promise<T> {
    this.assertUsable();
    try {
      return await op();
    } catch (err) {
      this.markFailed(err);
      throw err;
    }
  }

  private markFailed(err: unknown): void {
    if (!this.failed) {
      this.failed = true;
      this.failure = err;
    }
  }

  private assertUsable(): void {
    if (this.closed) {
      throw new DbError('transaction already finished', { kind: 'other' });
    }
    if (this.failed) {
      throw new DbError('transaction aborted by an earlier failed statement', { kind: 'other', cause: this.failure });
    }
  }
}

/** What `runTransaction` needs from an adapter. */
export interface TransactionDriver {
  /** Runs statements on the one connection the transaction lives on. */
  readonly conn: Executor;
  /** The statement that opens the transaction (e.g. `BEGIN IMMEDIATE` on SQLite). */
  readonly begin: string;
}

/**
 * Runs `fn` as a top-level transaction on `driver.conn`: commit when it resolves (and no
 * statement failed), roll back otherwise. The caller holds whatever lock the connection needs.
 */
export async function runTransaction<T>(driver: TransactionDriver, fn: (tx: TransactionExecutor) => Promise<T>): Promise<T> {
  const { conn } = driver;
  await conn.exec(driver.begin);
  const scope = new TransactionScope(conn, 0);
  try {
    const result = await fn(scope);
    scope.throwIfFailed();
    await conn.exec('COMMIT');
    return result;
  } catch (err) {
    try {
      await conn.exec('ROLLBACK');
    } catch {
      // Already rolled back (e.g. by the engine after a failed COMMIT); the original error matters.
    }
    throw err;
  } finally {
    scope.close();
  }
}
