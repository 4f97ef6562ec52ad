// The PostgreSQL adapter: a `pg` Pool. Statements outside a transaction take any pooled
// connection; a transaction checks one out for its whole duration.
import pg from 'pg';
import { postgresDialect } from '../dialects.js';
import { DbError } from '../errors.js';
import { listColumns, listTables, tableExists } from '../introspection.js';
import { PlaceholderRewriter } from '../placeholders.js';
import { runTransaction } from '../transaction-scope.js';
import type { ColumnInfo, Database, Dialect, Row, SqlValue, TransactionExecutor } from '../types.js';
import { PgNodeMessages } from './node-messages.js';
import { PgNotifications } from './notifications.js';
import { toDbError } from './pg-errors.js';

export interface PostgresOptions {
  /**
   * A `postgres://` URL. A schema other than `public` is chosen with the `options`
   * parameter, e.g. `?options=-c%20search_path%3Dmyschema`.
   */
  readonly url: string;
  /** Pool size (default 10). */
  readonly max?: number;
  /** Called when an idle pooled connection fails (e.g. the server restarted); the pool replaces it. */
  readonly onIdleError?: (err: Error) => void;
}

const OID = { int8: 20, numeric: 1700, json: 114, jsonb: 3802, date: 1082, timestamp: 1114, timestamptz: 1184 };

function asIs(value: string): string {
  return value;
}

/**
 * Per-pool type parsers (the global `pg.types` is left alone): 64-bit integers and numerics
 * become JS numbers, JSON stays the raw text (as SQLite returns it), dates stay text.
 */
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
    if (format === undefined || format === 'text') {
      switch (oid) {
        case OID.int8:
        case OID.numeric:
          return Number;
        case OID.json:
        case OID.jsonb:
        case OID.date:
        case OID.timestamp:
        case OID.timestamptz:
          return asIs;
      }
    }
    return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
  },
};

/** Booleans, numbers, strings and null are handled by `pg`; bigint goes as decimal text. */
function toBound(value: SqlValue): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return value;
}

type Queryable = pg.Pool | pg.PoolClient;

/** Statement running over a pool or one checked-out client. */
class PgRunner {
  readonly dialect: Dialect = postgresDialect;

  constructor(
    private readonly target: Queryable,
    private readonly rewriter: PlaceholderRewriter,
  ) {}

  async all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return (await this.query(sql, params)).rows as T[];
  }

  async get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return (await this.query(sql, params)).rows[0] as T | undefined;
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    return { changes: (await this.query(sql, params)).rowCount ?? 0 };
  }

  async exec(sql: string): Promise<void> {
    try {
      // Without values `pg` uses the simple protocol, which accepts several statements.
      await this.target.query(sql);
    } catch (err) {
      throw toDbError(err);
    }
  }

  private async query(sql: string, params: readonly SqlValue[] | undefined): Promise<pg.QueryResult> {
    const { text } = this.rewriter.rewrite(sql);
    try {
      const result: pg.QueryResult | pg.QueryResult[] = await this.target.query({
        text,
        values: params ? params.map(toBound) : [],
      });
      // Several statements in one text give one result each; the last one is the answer.
      return Array.isArray(result) ? (result[result.length - 1] as pg.QueryResult) : result;
    } catch (err) {
      throw toDbError(err);
    }
  }
}

class PostgresDatabase implements Database {
  readonly dialect: Dialect = postgresDialect;
  private readonly rewriter = new PlaceholderRewriter();
  private readonly runner: PgRunner;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    readonly notifications: PgNotifications,
    readonly messages: PgNodeMessages,
  ) {
    this.runner = new PgRunner(pool, this.rewriter);
  }

  all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.runner.all<T>(sql, params);
  }

  get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return this.runner.get<T>(sql, params);
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    return this.runner.run(sql, params);
  }

  exec(sql: string): Promise<void> {
    return this.runner.exec(sql);
  }

  async transaction<T>(fn: (tx: TransactionExecutor) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw toDbError(err);
    }
    // A connection-level failure leaves the client in an unknown state: it is discarded
    // rather than returned to the pool.
    let broken = false;
    const onError = (): void => {
      broken = true;
    };
    client.on('error', onError);
    try {
      return await runTransaction({ conn: new PgRunner(client, this.rewriter), begin: 'BEGIN' }, fn);
    } catch (err) {
      if (err instanceof DbError && err.code === undefined && err.cause instanceof Error && !(err.cause instanceof DbError)) {
        broken = true;
      }
      throw err;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
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
    await this.messages.close();
    await this.notifications.close();
    await this.pool.end();
  }
}

/** Opens a pool and checks that the server answers, so a bad URL fails here and not on first use. */
export async function openPostgres(options: PostgresOptions): Promise<Database> {
  const connectionString = withJitOff(options.url);
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    types: typeParsers,
    connectionTimeoutMillis: 10000,
  });
  pool.on('error', (err) => options.onIdleError?.(err));
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw toDbError(err);
  }
  const schema = async (): Promise<string> => {
    const result = await pool.query<{ schema: string | null }>('SELECT current_schema() AS schema');
    return result.rows[0]?.schema ?? 'public';
  };
  const notifications = new PgNotifications({
    schema,
    async connect() {
      const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10000 });
      await client.connect();
      return client;
    },
    query: (text, values) => pool.query(text, values),
    onError: (err) => options.onIdleError?.(err),
  });
  const messages = new PgNodeMessages({
    listenChannel: (channel, listener) => notifications.listenChannel(channel, listener),
    query: (text, values) => pool.query(text, values),
    schema,
    onError: (err) => options.onIdleError?.(err),
  });
  return new PostgresDatabase(pool, notifications, messages);
}

/**
 * Filter queries are small and many; PostgreSQL's JIT can spend far longer compiling them
 * than running them, so Plinth's connections start with `jit=off`, kept alongside any
 * `options` (e.g. a search_path) the URL already carries.
 */
function withJitOff(url: string): string {
  const q = url.indexOf('?');
  const base = q === -1 ? url : url.slice(0, q);
  const params = (q === -1 ? '' : url.slice(q + 1)).split('&').filter((p) => p !== '');
  let existing = '';
  const rest = params.filter((p) => {
    if (!p.startsWith('options=')) return true;
    existing = decodeURIComponent(p.slice('options='.length).replaceAll('+', ' '));
    return false;
  });
  rest.push(`options=${encodeURIComponent(`${existing} -c jit=off`.trim())}`);
  return `${base}?${rest.join('&')}`;
}
