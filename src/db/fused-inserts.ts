// Single-row INSERTs gathered into one statement (PostgreSQL's data-modifying WITH), so a
// write that adds rows to several tables is atomic without a transaction: one round trip
// instead of BEGIN, one per insert, and COMMIT. Used where a write is known to be inserts
// only, such as a plain create carrying its outbox rows.
import type { Executor, Row, SqlValue } from './types.js';

interface Gathered {
  sql: string;
  params: readonly SqlValue[];
}

// One row, and nothing after its values (no conflict clause, nothing returned): what the
// gathered statement promises for it. Names are quoted words, so they hold no parentheses.
const SINGLE_ROW_INSERT = /^INSERT INTO [^;]+ VALUES \([^()]*\)$/s;

/**
 * The executor handed to the write. Its inserts are held and each reports one changed row;
 * they reach the database together once the write is done (and not at all when it throws),
 * so a failing insert fails the whole write there. Reads go to the database and see committed
 * data only, never the held rows: fuse only writes that do not read what they insert.
 */
class InsertGatherer implements Executor {
  readonly statements: Gathered[] = [];

  constructor(private readonly target: Executor) {}

  get dialect() {
    return this.target.dialect;
  }

  all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.target.all<T>(sql, params);
  }

  get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return this.target.get<T>(sql, params);
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    if (!SINGLE_ROW_INSERT.test(sql)) {
      return Promise.reject(new Error('only single-row INSERT statements can be fused into one statement'));
    }
    this.statements.push({ sql, params });
    return Promise.resolve({ changes: 1 });
  }

  exec(): Promise<void> {
    return Promise.reject(new Error('statements without parameters cannot be fused into one statement'));
  }
}

/** Whether `exec` is holding inserts for one statement (reads through it cannot see them). */
export function isGatheringInserts(exec: Executor): boolean {
  return exec instanceof InsertGatherer;
}

/** The gathered inserts as one statement: all but the last become WITH parts. */
export function fusedStatement(statements: readonly Gathered[]): Gathered {
  const last = statements[statements.length - 1];
  if (!last) throw new Error('nothing to fuse');
  const parts = statements.slice(0, -1).map((s, i) => `"fused${i}" AS (${s.sql})`);
  return {
    sql: parts.length === 0 ? last.sql : `WITH ${parts.join(', ')} ${last.sql}`,
    params: statements.flatMap((s) => s.params),
  };
}

/**
 * Runs `write` against an executor that holds its inserts, then runs them as one statement
 * on `target` (PostgreSQL only: SQLite has no data-modifying WITH).
 */
export async function withFusedInserts<T>(target: Executor, write: (exec: Executor) => Promise<T>): Promise<T> {
  if (target.dialect.name !== 'postgres') throw new Error('inserts can only be fused on PostgreSQL');
  const gatherer = new InsertGatherer(target);
  const result = await write(gatherer);
  if (gatherer.statements.length > 0) {
    const { sql, params } = fusedStatement(gatherer.statements);
    await target.run(sql, params);
  }
  return result;
}
