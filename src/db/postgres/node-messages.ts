// Messages of any size between the Plinth nodes on one PostgreSQL schema, over NOTIFY.
//
// A NOTIFY payload must stay under 8000 bytes, so a message travels one of two ways: a small
// one inline in the payload; a larger one as a row of an UNLOGGED table, inserted in the same
// statement as the NOTIFY that carries only its id (the NOTIFY is delivered at commit, so the
// row is readable by then). Receivers read such rows by id; rows older than a few minutes are
// deleted by the publishers, at most once a minute each. The table is UNLOGGED because a
// message is worthless after a crash, and skipping the WAL keeps a large publish cheap.
//
// PostgreSQL channels span the whole database: the channel is named after the schema, so
// nodes on another schema never hear these messages. Receiving shares the listening
// connection of the change notifications.
import { createHash } from 'node:crypto';
import type { NodeMessages } from '../types.js';

export const NODE_MESSAGES_TABLE = '_plinthRealtimeEvents';
/** Largest message sent inline, in UTF-8 bytes (PostgreSQL refuses payloads of 8000 and more). */
export const INLINE_LIMIT_BYTES = 7900;
/** Rows older than this are deleted: a node that far behind has lost its listening connection anyway. */
export const KEEP_MS = 5 * 60_000;
const PRUNE_EVERY_MS = 60_000;

const INLINE = 'i';
const STORED = 'r';

export interface PgNodeMessagesOptions {
  /** The listening connection (shared with the change notifications). */
  listenChannel(channel: string, listener: (payload: string) => void): Promise<() => void>;
  /** Runs one statement through the pool. */
  query(text: string, values: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  /** The schema this database lives in (`current_schema()`). */
  schema(): Promise<string>;
  /** A message that could not be received (its row was gone, the database failed). */
  onError?(err: Error): void;
  /** Milliseconds since the epoch; injected by tests of the pruning. */
  now?(): number;
}

/** The NOTIFY channel of one schema: a plain identifier, whatever characters the schema name has. */
export function channelForSchema(schema: string): string {
  return `plinth_msg_${createHash('sha256').update(schema).digest('hex').slice(0, 32)}`;
}

export class PgNodeMessages implements NodeMessages {
  private channelName: string | null = null;
  private table: Promise<void> | null = null;
  private nextPrune = 0;
  private tail: Promise<void> = Promise.resolve();
  private stopListening: (() => void) | null = null;
  private closed = false;

  constructor(private readonly options: PgNodeMessagesOptions) {}

  async publish(payload: string): Promise<void> {
    const channel = await this.channel();
    if (Buffer.byteLength(payload, 'utf8') <= INLINE_LIMIT_BYTES) {
      await this.options.query('SELECT pg_notify($1, $2)', [channel, INLINE + payload]);
      return;
    }
    await (this.table ??= this.createTable());
    this.pruneNowAndThen();
    await this.options.query(
      `WITH saved AS (INSERT INTO "${NODE_MESSAGES_TABLE}" ("payload") VALUES ($1) RETURNING "id") ` +
        `SELECT pg_notify($2, '${STORED}' || "id") FROM saved`,
      [payload, channel],
    );
  }

  async listen(onMessage: (payload: string) => void): Promise<void> {
    if (this.stopListening || this.closed) return;
    const channel = await this.channel();
    this.stopListening = await this.options.listenChannel(channel, (text) => this.receive(text, onMessage));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopListening?.();
    this.stopListening = null;
    await this.tail;
  }

  /** Deletes stored messages past their keeping time; answers how many went. */
  async prune(): Promise<number> {
    const before = new Date(this.now() - KEEP_MS).toISOString();
    const result = await this.options.query(
      `WITH gone AS (DELETE FROM "${NODE_MESSAGES_TABLE}" WHERE "created" < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone`,
      [before],
    );
    return Number(result.rows[0]?.n ?? 0);
  }

  /**
   * Stored messages are read as soon as their id arrives (reads overlap), but handed on
   * strictly in arrival order, so a small message never overtakes a large one sent before it.
   */
  private receive(text: string, onMessage: (payload: string) => void): void {
    if (this.closed) return;
    let body: Promise<string | null>;
    if (text.startsWith(INLINE)) body = Promise.resolve(text.slice(INLINE.length));
    else if (text.startsWith(STORED) && /^\d+$/.test(text.slice(STORED.length))) body = this.read(text.slice(STORED.length));
    else return;
    this.tail = this.tail.then(async () => {
      try {
        const payload = await body;
        if (payload !== null && !this.closed) onMessage(payload);
      } catch (err) {
        this.options.onError?.(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  private async read(id: string): Promise<string | null> {
    const result = await this.options.query(`SELECT "payload" FROM "${NODE_MESSAGES_TABLE}" WHERE "id" = $1`, [id]);
    const payload = result.rows[0]?.payload;
    if (typeof payload === 'string') return payload;
    this.options.onError?.(new Error(`node message ${id} was deleted before it was read`));
    return null;
  }

  private async channel(): Promise<string> {
    this.channelName ??= channelForSchema(await this.options.schema());
    return this.channelName;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private pruneNowAndThen(): void {
    const now = this.now();
    if (now < this.nextPrune) return;
    this.nextPrune = now + PRUNE_EVERY_MS;
    this.prune().catch((err: unknown) => this.options.onError?.(err instanceof Error ? err : new Error(String(err))));
  }

  private async createTable(): Promise<void> {
    try {
      await this.options.query(
        `CREATE UNLOGGED TABLE IF NOT EXISTS "${NODE_MESSAGES_TABLE}" ` +
          `("id" BIGSERIAL PRIMARY KEY, "payload" TEXT NOT NULL, "created" TIMESTAMPTZ NOT NULL DEFAULT now())`,
        [],
      );
    } catch (err) {
      // Two nodes creating it at the same moment: one of them loses the race, which is fine.
      const found = await this.options.query('SELECT to_regclass($1) AS t', [`"${NODE_MESSAGES_TABLE}"`]).catch(() => null);
      if (!found?.rows[0]?.t) {
        this.table = null;
        throw err;
      }
    }
  }
}
