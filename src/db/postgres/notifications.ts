// Change announcements between Plinth nodes on one PostgreSQL database, over LISTEN/NOTIFY.
// One dedicated connection listens (NOTIFY cannot be received through a pool); publishing
// goes through the pool. PostgreSQL channels span the whole database, so a message names the
// schema it is about and the node that sent it: nodes on another schema, and the sender
// itself, ignore it. A listening connection that drops is re-opened with backoff, and every
// listener then runs once, because messages sent meanwhile are lost.
//
// Other modules may LISTEN on channels of their own through the same connection
// (`listenChannel`), so a node holds one listening connection whatever it listens to.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { ChangeNotifications } from '../types.js';

const CHANNEL = 'plinth_changes';
const RETRY_DELAYS_MS = [250, 1000, 5000, 15000];

interface Message {
  schema: string;
  node: string;
  topic: string;
}

export interface PgNotificationsOptions {
  /** Opens a client for listening, connected with the same settings as the pool. */
  connect(): Promise<pg.Client>;
  /** Runs one statement through the pool. */
  query(text: string, values: unknown[]): Promise<unknown>;
  /** The schema this database lives in (`current_schema()`); asked when first needed. */
  schema(): Promise<string>;
  onError?(err: Error): void;
}

export class PgNotifications implements ChangeNotifications {
  private readonly node = randomUUID();
  private readonly listeners = new Map<string, Set<() => void>>();
  private readonly channels = new Map<string, Set<(payload: string) => void>>();
  private client: pg.Client | null = null;
  private starting: Promise<void> | null = null;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;
  private schema: string | null = null;

  constructor(private readonly options: PgNotificationsOptions) {}

  private async ownSchema(): Promise<string> {
    this.schema ??= await this.options.schema();
    return this.schema;
  }

  async publish(topic: string): Promise<void> {
    const message: Message = { schema: await this.ownSchema(), node: this.node, topic };
    await this.options.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(message)]);
  }

  subscribe(topic: string, listener: () => void): () => void {
    let set = this.listeners.get(topic);
    if (!set) {
      set = new Set();
      this.listeners.set(topic, set);
    }
    set.add(listener);
    this.ensureListening();
    return () => set.delete(listener);
  }

  /**
   * Hands every payload NOTIFYed on `channel` (a plain lower-case name, from any session,
   * the sender included) to `listener`, in the order PostgreSQL delivers them. Resolves once
   * the channel is listened to; the returned function stops it. Payloads sent while the
   * connection was down are lost, as on the change channel.
   */
  async listenChannel(channel: string, listener: (payload: string) => void): Promise<() => void> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new RangeError(`invalid channel name "${channel}"`);
    let set = this.channels.get(channel);
    if (!set) {
      set = new Set();
      this.channels.set(channel, set);
    }
    set.add(listener);
    await this.ready();
    // A connection opened before the channel was added has not listened to it (twice is
    // harmless). A failure means the connection is going: the reconnect listens to every channel.
    await this.client?.query(`LISTEN ${channel}`).catch(() => undefined);
    return () => set.delete(listener);
  }

  /** Resolves once the listening connection is up (for tests and orderly start-up). */
  async ready(): Promise<void> {
    this.ensureListening();
    await this.starting;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private ensureListening(attempt = 0): void {
    if (this.closed || this.client || this.starting) return;
    this.starting = this.listen().then(
      () => {
        this.starting = null;
        // Anything published while we were not listening was lost: let everyone reload.
        if (attempt > 0) this.notifyAll();
      },
      (err: unknown) => {
        this.starting = null;
        this.options.onError?.(err instanceof Error ? err : new Error(String(err)));
        this.scheduleRetry(attempt + 1);
      },
    );
  }

  private async listen(): Promise<void> {
    await this.ownSchema();
    const client = await this.options.connect();
    client.on('notification', (n) => {
      if (n.channel === CHANNEL) this.onNotification(n.payload);
      else for (const listener of this.channels.get(n.channel) ?? []) listener(n.payload ?? '');
    });
    client.on('error', (err) => this.onConnectionLost(client, err));
    client.on('end', () => this.onConnectionLost(client, new Error('listening connection ended')));
    try {
      await client.query(`LISTEN ${CHANNEL}`);
      for (const channel of this.channels.keys()) await client.query(`LISTEN ${channel}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  private onConnectionLost(client: pg.Client, err: Error): void {
    if (this.client !== client || this.closed) return;
    this.client = null;
    this.options.onError?.(err);
    void client.end().catch(() => undefined);
    this.scheduleRetry(1);
  }

  private scheduleRetry(attempt: number): void {
    if (this.closed || this.retry) return;
    const delay = RETRY_DELAYS_MS[Math.min(attempt - 1, RETRY_DELAYS_MS.length - 1)]!;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.ensureListening(attempt);
    }, delay);
    this.retry.unref();
  }

  private onNotification(payload: string | undefined): void {
    let message: Partial<Message>;
    try {
      message = JSON.parse(payload ?? '') as Partial<Message>;
    } catch {
      return;
    }
    if (message.schema !== this.schema || message.node === this.node || typeof message.topic !== 'string') return;
    for (const listener of this.listeners.get(message.topic) ?? []) listener();
  }

  private notifyAll(): void {
    for (const set of this.listeners.values()) for (const listener of set) listener();
  }
}
