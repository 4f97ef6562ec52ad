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
  /** Change it through `RealtimeBroker.setAuth`, which keeps cached plans honest. */
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

/**
 * Something that sees each message before it leaves and may change or drop it (the
 * `onRealtimeMessageSend` hooks). Senders ask `activeFilter()` once per batch of messages, so
 * with nothing to run the messages go out as before, without a promise per client.
 */
export interface MessageFilter {
  active(): boolean;
  /** The message to send (the same or another), or null to drop it. Never rejects. */
  apply(client: RealtimeClient, message: RealtimeMessage): Promise<RealtimeMessage | null>;
  /** A filtered message's transport failed (reported here: nobody awaits the send to catch it). */
  failed(err: unknown): void;
}

const AUTH_MISMATCH = "The current and the previous request authorization don't match.";

/** One client's subscription, as indexed by the collection it names. */
export interface Subscribed {
  client: RealtimeClient;
  subscription: Subscription;
}

export class RealtimeBroker {
  private readonly byId = new Map<string, RealtimeClient>();
  /**
   * Record-topic subscriptions by the collection reference they name (name or id), so that
   * an event costs work in proportion to the subscriptions to its collection only.
   */
  private readonly byCollectionRef = new Map<string, Set<Subscribed>>();
  private readonly indexed = new WeakMap<RealtimeClient, Subscribed[]>();
  private changes = 0;
  /** Per client, the filtered message sent last: the next one waits for it, so order holds. */
  private readonly outbox = new WeakMap<RealtimeClient, Promise<void>>();
  /** Set by whoever wires hooks in; null: messages are never filtered. */
  messageFilter: MessageFilter | null = null;

  /**
   * Grows whenever a subscription or a subscriber's identity changes: plans cached for an
   * older version are stale.
   */
  get version(): number {
    return this.changes;
  }

  /** Sets a client's identity (a login on the stream, an account change, a lost session). */
  setAuth(client: RealtimeClient, auth: RealtimeAuth): void {
    if (client.auth === auth) return;
    client.auth = auth;
    this.changes++;
  }
  private readonly maxBacklog: number;

  constructor(options: Partial<BrokerOptions> = {}) {
    this.maxBacklog = options.maxBacklog ?? DEFAULT_MAX_BACKLOG;
  }

  get size(): number {
    return this.byId.size;
  }

  connect(sink: RealtimeSink, auth: RealtimeAuth, ip: string): RealtimeClient {
    return this.add(this.newClient(sink, auth, ip));
  }

  /**
   * A client not connected yet: the connect hooks see it (its id among the rest) before
   * `add` makes it live, or it is refused and never was.
   */
  newClient(sink: RealtimeSink, auth: RealtimeAuth, ip: string): RealtimeClient {
    return { id: newClientId(), auth, ip, subscriptions: new Map(), sink, backlog: 0 };
  }

  add(client: RealtimeClient): RealtimeClient {
    this.byId.set(client.id, client);
    return client;
  }

  /** Forgets a client (its connection ended); closing twice is harmless. */
  disconnect(id: string): void {
    const client = this.byId.get(id);
    if (!client) return;
    this.byId.delete(id);
    this.unindex(client);
    client.sink.close();
  }

  /** The connected client with this id. */
  client(id: string): RealtimeClient | undefined {
    return this.byId.get(id);
  }

  /** Whether any record-topic subscription names this collection (by name or id). */
  hasSubscribers(collection: { name: string; id: string }): boolean {
    return this.byCollectionRef.has(collection.name) || this.byCollectionRef.has(collection.id);
  }

  /** Subscriptions naming this collection (by name or id) in a record topic. */
  *subscribedTo(collection: { name: string; id: string }): Generator<Subscribed> {
    const byName = this.byCollectionRef.get(collection.name);
    if (byName) yield* byName;
    if (collection.id === collection.name) return;
    const byId = this.byCollectionRef.get(collection.id);
    if (byId) yield* byId;
  }

  /** Ends one of a client's subscriptions (its exact string), keeping the others. */
  unsubscribe(client: RealtimeClient, topic: string): void {
    if (!client.subscriptions.has(topic)) return;
    const next = new Map(client.subscriptions);
    next.delete(topic);
    this.replaceSubscriptions(client, next);
  }

  private replaceSubscriptions(client: RealtimeClient, next: Map<string, Subscription>): void {
    this.unindex(client);
    this.changes++;
    // A fresh map, so that a fan-out holding the previous one is not changed under it.
    client.subscriptions = next;
    const entries: Subscribed[] = [];
    for (const subscription of next.values()) {
      if (subscription.collectionRef === null) continue;
      const entry = { client, subscription };
      let set = this.byCollectionRef.get(subscription.collectionRef);
      if (!set) this.byCollectionRef.set(subscription.collectionRef, (set = new Set()));
      set.add(entry);
      entries.push(entry);
    }
    this.indexed.set(client, entries);
  }

  private unindex(client: RealtimeClient): void {
    this.changes++;
    for (const entry of this.indexed.get(client) ?? []) {
      const set = this.byCollectionRef.get(entry.subscription.collectionRef!);
      if (!set) continue;
      set.delete(entry);
      if (set.size === 0) this.byCollectionRef.delete(entry.subscription.collectionRef!);
    }
    this.indexed.delete(client);
  }

  /**
   * Replaces a client's subscriptions. A guest connection may become authenticated here; a
   * different identity than the one already recorded is refused, as PocketBase does.
   */
  setSubscriptions(target: { id: string; ip: string }, auth: RealtimeAuth, topics: string[]): void {
    this.applySubscriptions(this.subscriber(target, auth), auth, topics);
  }

  /** The client a subscription change from `target` with `auth` is for; throws when it may not make it. */
  subscriber(target: { id: string; ip: string }, auth: RealtimeAuth): RealtimeClient {
    const client = this.byId.get(target.id);
    if (!client) throw notFound('Missing or invalid client id.');
    if (client.ip !== '' && client.ip !== target.ip) throw badRequest('Invalid realtime client.');
    if (client.auth.record && !sameIdentity(client.auth, auth)) throw forbidden(AUTH_MISMATCH);
    return client;
  }

  /** The second half of `setSubscriptions`, for a client `subscriber` returned. */
  applySubscriptions(client: RealtimeClient, auth: RealtimeAuth, topics: string[]): void {
    // The latest auth state wins (same identity, possibly fresher fields; or guest → auth).
    this.setAuth(client, auth);
    const next = new Map<string, Subscription>();
    for (const topic of topics) if (topic !== '') next.set(topic, parseSubscription(topic));
    this.replaceSubscriptions(client, next);
  }

  /** The transport drained: everything queued so far has left. */
  drained(id: string): void {
    const client = this.byId.get(id);
    if (client) client.backlog = 0;
  }

  /** Sends one message; a client whose socket stopped draining too long ago is dropped. */
  deliver(client: RealtimeClient, message: RealtimeMessage): void {
    if (!this.byId.has(client.id)) return;
    if (client.sink.send(message)) return;
    client.backlog++;
    if (client.backlog > this.maxBacklog) this.disconnect(client.id);
  }

  /** The message filter to send through now, or null when messages go out untouched. */
  activeFilter(): MessageFilter | null {
    const filter = this.messageFilter;
    return filter !== null && filter.active() ? filter : null;
  }

  /**
   * Sends one message through the filter when there is one (pass `filter` when it was looked
   * up once for many clients). Filtered messages leave each client in the order given; the
   * promise, which never rejects, settles when this one left or was dropped.
   */
  send(client: RealtimeClient, message: RealtimeMessage, filter = this.activeFilter()): Promise<void> | undefined {
    if (filter === null) {
      this.deliver(client, message);
      return undefined;
    }
    const previous = this.outbox.get(client) ?? Promise.resolve();
    const sent = previous.then(async () => {
      const out = await filter.apply(client, message);
      try {
        if (out !== null) this.deliver(client, out);
      } catch (err) {
        filter.failed(err);
      }
    });
    this.outbox.set(client, sent);
    return sent;
  }

  /** Every connected client (live view: do not connect or disconnect while iterating). */
  clients(): IterableIterator<RealtimeClient> {
    return this.byId.values();
  }

  /** Every client with at least one subscription (a snapshot, safe to iterate while sending). */
  subscribers(): RealtimeClient[] {
    const out: RealtimeClient[] = [];
    for (const client of this.byId.values()) if (client.subscriptions.size > 0) out.push(client);
    return out;
  }

  closeAll(): void {
    for (const id of [...this.byId.keys()]) this.disconnect(id);
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
