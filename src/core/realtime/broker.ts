// The live realtime clients of this node: who they are (auth), what they listen to, and
// where their events go. Transport-free: the HTTP edge hands in a sink per connection.
import { randomBytes } from 'node:crypto';
import { badRequest, forbidden, notFound } from '../errors/index.js';
import type { RecordModel } from '../records/record.js';
import { parseSubscription, type Subscription } from './subscriptions.js';

export interface RealtimeMessage {
  /** The SSE event name: the exact subscription string, or PB_CONNECT. */
  name: string;
  id?: string;
  data: unknown;
}

/** One open connection. `send` answers false when the transport is not draining. */
export interface RealtimeSink {
  send(message: RealtimeMessage): boolean;
  close(): void;
}

export interface RealtimeAuth {
  record: RecordModel | null;
  isSuperuser: boolean;
}

export interface RealtimeClient {
  readonly id: string;
  auth: RealtimeAuth;
  /** The address the stream was opened from; subscription changes must come from it too. */
  readonly ip: string;
  subscriptions: Map<string, Subscription>;
  readonly sink: RealtimeSink;
  /** Messages sent while the transport reported back-pressure and has not drained since. */
  backlog: number;
}

export interface BrokerOptions {
  /** How many events may wait on a socket that does not drain before the client is dropped. */
  maxBacklog: number;
}

export const DEFAULT_MAX_BACKLOG = 500;

const AUTH_MISMATCH = "The current and the previous request authorization don't match.";

export class RealtimeBroker {
  private readonly clients = new Map<string, RealtimeClient>();
  private readonly maxBacklog: number;

  constructor(options: Partial<BrokerOptions> = {}) {
    this.maxBacklog = options.maxBacklog ?? DEFAULT_MAX_BACKLOG;
  }

  get size(): number {
    return this.clients.size;
  }

  connect(sink: RealtimeSink, auth: RealtimeAuth, ip: string): RealtimeClient {
    const client: RealtimeClient = { id: newClientId(), auth, ip, subscriptions: new Map(), sink, backlog: 0 };
    this.clients.set(client.id, client);
    return client;
  }

  /** Forgets a client (its connection ended); closing twice is harmless. */
  disconnect(id: string): void {
    const client = this.clients.get(id);
    if (!client) return;
    this.clients.delete(id);
    client.sink.close();
  }

  /**
   * Replaces a client's subscriptions. A guest connection may become authenticated here; a
   * different identity than the one already recorded is refused, as PocketBase does.
   */
  setSubscriptions(target: { id: string; ip: string }, auth: RealtimeAuth, topics: string[]): void {
    const client = this.clients.get(target.id);
    if (!client) throw notFound('Missing or invalid client id.');
    if (client.ip !== '' && client.ip !== target.ip) throw badRequest('Invalid realtime client.');
    if (client.auth.record && !sameIdentity(client.auth, auth)) throw forbidden(AUTH_MISMATCH);
    // The latest auth state wins (same identity, possibly fresher fields; or guest → auth).
    client.auth = auth;
    const next = new Map<string, Subscription>();
    for (const topic of topics) if (topic !== '') next.set(topic, parseSubscription(topic));
    client.subscriptions = next;
  }

  /** The transport drained: everything queued so far has left. */
  drained(id: string): void {
    const client = this.clients.get(id);
    if (client) client.backlog = 0;
  }

  /** Sends one message; a client whose socket stopped draining too long ago is dropped. */
  deliver(client: RealtimeClient, message: RealtimeMessage): void {
    if (!this.clients.has(client.id)) return;
    if (client.sink.send(message)) return;
    client.backlog++;
    if (client.backlog > this.maxBacklog) this.disconnect(client.id);
  }

  /** Every client with at least one subscription (a snapshot, safe to iterate while sending). */
  subscribers(): RealtimeClient[] {
    const out: RealtimeClient[] = [];
    for (const client of this.clients.values()) if (client.subscriptions.size > 0) out.push(client);
    return out;
  }

  closeAll(): void {
    for (const id of [...this.clients.keys()]) this.disconnect(id);
  }
}

function sameIdentity(a: RealtimeAuth, b: RealtimeAuth): boolean {
  if (!a.record || !b.record) return false;
  return a.record.collection.id === b.record.collection.id && String(a.record.values.id) === String(b.record.values.id);
}

/** PocketBase's client ids are 40 random alphanumerics. */
function newClientId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = randomBytes(40);
  let id = '';
  for (const b of bytes) id += alphabet[b % alphabet.length];
  return id;
}
