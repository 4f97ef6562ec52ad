// The Database port. Everything above db/ talks to storage through these types only,
// so SQLite and PostgreSQL are interchangeable behind them.

/** A value that can be bound to a SQL placeholder. */
export type SqlValue = string | number | bigint | boolean | null | Uint8Array;

export type Row = Record<string, unknown>;

export type DialectName = 'sqlite' | 'postgres';

/**
 * Statements are written with `?` placeholders on both dialects; the PostgreSQL adapter
 * renumbers them to `$n` (skipping quoted strings, quoted identifiers and comments).
 *
 * Values coming back: integers (including PostgreSQL int8/numeric) as JS numbers, JSON and
 * JSONB columns as their raw JSON text on both engines, BLOBs/bytea as Buffer. Booleans come
 * back as 1/0 from SQLite and true/false from PostgreSQL (field codecs normalise them).
 *
 * A parameter whose type PostgreSQL cannot infer from context (e.g. `SELECT ? AS x`) is
 * sent as text and comes back as a string: cast it (`CAST(? AS INTEGER)`) where the type matters.
 *
 * Driver failures are thrown as `DbError` (see errors.ts) with a `kind` the domain can switch on.
 */
export interface Executor {
  readonly dialect: Dialect;
  all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  /**
   * Runs one or more statements without parameters (DDL, migrations). Outside a
   * transaction the engines differ on a failure part-way (PostgreSQL undoes the earlier
   * statements, SQLite keeps them): call it inside `transaction()` when that matters.
   */
  exec(sql: string): Promise<void>;
}

/** What the database says about one column of a table (see `Database.listColumns`). */
export interface ColumnInfo {
  readonly name: string;
  /** The declared type as the engine reports it, upper-cased (e.g. `TEXT`, `JSONB`, `BOOLEAN`). */
  readonly type: string;
  readonly notNull: boolean;
  /** The default expression as SQL text, or null when there is none. */
  readonly defaultSql: string | null;
  readonly primaryKey: boolean;
}

export interface Database extends Executor {
  /**
   * Runs `fn` in a transaction: commit when it resolves, roll back when it throws.
   * A call to `tx.transaction` made inside `fn` nests as a savepoint (its failure rolls
   * back only the nested work). Calling `db.transaction` (the outer handle) from inside
   * `fn` starts an independent transaction; on SQLite that waits for the current one to
   * finish, so awaiting it from inside `fn` deadlocks — always use the `tx` you were given.
   * On SQLite write transactions are serialised (one writer); reads outside a
   * transaction never see uncommitted data.
   */
  transaction<T>(fn: (tx: TransactionExecutor) => Promise<T>): Promise<T>;
  /** True when a table (not a view) with this name exists in the database's schema. */
  tableExists(name: string): Promise<boolean>;
  /** Names of the tables in the database's schema, sorted; engine-internal tables excluded. */
  listTables(): Promise<string[]>;
  /** Columns of a table in declaration order; empty when the table does not exist. */
  listColumns(table: string): Promise<ColumnInfo[]>;
  /**
   * Change announcements between the nodes sharing this database (PostgreSQL); absent where
   * one process owns the database (SQLite), which has nobody to tell.
   */
  readonly notifications?: ChangeNotifications;
  /** Ordered messages of any size between the nodes sharing this database (PostgreSQL only). */
  readonly messages?: NodeMessages;
  close(): Promise<void>;
}

/**
 * A channel carrying text messages between the nodes of one deployment (over the database,
 * or a broker such as Redis or NATS). Messages from one sender arrive in the order it
 * published them; every node, the sender included, receives each message at most once
 * (nothing is replayed after a lost connection).
 */
export interface NodeMessages {
  /** Sends one message; calls are sent in order. Rejects when it could not be handed over. */
  publish(payload: string): Promise<void>;
  /** Starts receiving; resolves once listening. Calls `onMessage` in arrival order, one at a time. */
  listen(onMessage: (payload: string) => void): Promise<void>;
  /** Stops receiving and releases what this channel opened (not the database). */
  close(): Promise<void>;
}

/** Topic-based "something changed, reload it" messages between nodes on one database. */
export interface ChangeNotifications {
  /** Tells the other nodes; resolves once the message is handed to the database. */
  publish(topic: string): Promise<void>;
  /**
   * Runs `listener` when another node publishes `topic` (and after a lost listening connection
   * is re-established, since messages may have been missed). Returns a function removing it.
   */
  subscribe(topic: string, listener: () => void): () => void;
}

/**
 * The executor handed to a transaction callback. It is an `Executor` (so code written
 * against `Executor` runs inside or outside a transaction alike) that can also open a
 * nested transaction, implemented as a SAVEPOINT.
 */
export interface TransactionExecutor extends Executor {
  transaction<T>(fn: (tx: TransactionExecutor) => Promise<T>): Promise<T>;
}

/**
 * SQL differences between engines. A dialect is the shared SQL plus these overrides;
 * modules that need more engine-specific SQL (filter compiler, column types) switch on `name`.
 */
export interface Dialect {
  readonly name: DialectName;
  /** Quotes an identifier that has already been checked against the schema. */
  quoteIdent(name: string): string;
  /** Column type for JSON documents: `JSON` on SQLite, `JSONB` on PostgreSQL. */
  readonly jsonType: 'JSON' | 'JSONB';
  /** Column type for booleans: `BOOLEAN` on both (SQLite stores 1/0 in it). */
  readonly boolType: 'BOOLEAN';
  /** Column type for floating-point numbers: `REAL` on SQLite, `DOUBLE PRECISION` on PostgreSQL. */
  readonly realType: 'REAL' | 'DOUBLE PRECISION';
  /** Column type for 64-bit integers: `INTEGER` on SQLite, `BIGINT` on PostgreSQL. */
  readonly bigintType: 'INTEGER' | 'BIGINT';
  /** An expression that yields a random value, for `ORDER BY` (`RANDOM()` on both). */
  readonly randomFn: 'RANDOM()';
  /**
   * An expression for the physical insertion order of a row: `_rowid_` on SQLite.
   * PostgreSQL has no stable row id (ctid changes on update), so it is `null` there and
   * callers must choose a stable fallback order themselves.
   */
  readonly rowidExpr: string | null;
  /**
   * The `ON CONFLICT (...) DO UPDATE SET ...` tail of an `INSERT` (same syntax on both):
   * on conflict over `conflictCols` each of `updateCols` takes the value that was being
   * inserted; with no `updateCols` the conflicting row is left as it is (`DO NOTHING`).
   */
  upsertSuffix(conflictCols: readonly string[], updateCols: readonly string[]): string;
}
