// Record events between the nodes of one deployment. Each node fans committed events out to
// its own clients; the relay hands the same events to every other node, which fans them out
// to its clients. The rules are checked against the values the event carries, so a receiving
// node needs nothing but its collection registry.
//
// Wire format, JSON: {"node": <sender id>, "events": [{"action", "collectionId", "values"}]}.
// A receiver rebuilds each record with its own collection definition, drops events of
// collections it does not know (yet), and ignores its own messages.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { NodeMessages } from '../../db/types.js';
import type { RecordAction, RecordEvent } from '../records/events.js';
import type { CollectionRegistry } from '../records/service.js';

export interface RealtimeRelay {
  /** Sends one transaction's committed events to the other nodes. Never throws; failures are logged. */
  publish(events: RecordEvent[]): void;
  /** Starts handing other nodes' events to `onRemote`, in each sender's commit order. */
  start(onRemote: (events: RecordEvent[]) => void): Promise<void>;
  /** Sends what is still queued, then stops receiving. */
  close(): Promise<void>;
}

interface WireEvent {
  action: RecordAction;
  collectionId: string;
  values: Record<string, unknown>;
}

/** Transactions waiting to be sent past this count are dropped (the channel is down or far too slow). */
export const MAX_PENDING_PUBLISHES = 10_000;
/** Transactions that queued up while a message was on its way leave together, up to about this size. */
export const MAX_MERGED_BYTES = 64 * 1024;

const ACTIONS: ReadonlySet<string> = new Set<RecordAction>(['create', 'update', 'delete']);

/** The events of one transaction as the inside of the wire `events` array (no brackets). */
function encodeEvents(events: readonly RecordEvent[]): string {
  const wire: WireEvent[] = events.map((e) => ({ action: e.action, collectionId: e.record.collection.id, values: e.record.values }));
  return JSON.stringify(wire).slice(1, -1);
}

function wrap(node: string, parts: readonly string[]): string {
  return `{"node":${JSON.stringify(node)},"events":[${parts.join(',')}]}`;
}

export function encodeRelayMessage(node: string, events: readonly RecordEvent[]): string {
  return wrap(node, [encodeEvents(events)]);
}

/**
 * The sender and its events rebuilt with this node's collections, or null for text that is
 * not a relay message. Events of unknown collections and malformed events are left out.
 */
export function decodeRelayMessage(text: string, registry: CollectionRegistry): { node: string; events: RecordEvent[] } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(parsed) || typeof parsed.node !== 'string' || !Array.isArray(parsed.events)) return null;
  const events: RecordEvent[] = [];
  for (const raw of parsed.events as unknown[]) {
    if (!isObject(raw) || typeof raw.action !== 'string' || !ACTIONS.has(raw.action) || typeof raw.collectionId !== 'string') continue;
    if (!isObject(raw.values)) continue;
    const collection = registry.byId(raw.collectionId);
    if (!collection) continue;
    events.push({ action: raw.action as RecordAction, record: { collection, values: raw.values } });
  }
  return { node: parsed.node, events };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface MessageRelayOptions {
  messages: NodeMessages;
  registry: CollectionRegistry;
  logger: Logger;
  /** This node's id in the messages (random by default). */
  node?: string;
}

/** A `RealtimeRelay` over any `NodeMessages` channel (PostgreSQL NOTIFY, Redis, NATS). */
export class MessageRelay implements RealtimeRelay {
  readonly node: string;
  /** Encoded transactions not sent yet, in commit order. */
  private readonly queue: string[] = [];
  private sending: Promise<void> | null = null;
  private dropped = 0;

  constructor(private readonly options: MessageRelayOptions) {
    this.node = options.node ?? randomUUID();
  }

  publish(events: RecordEvent[]): void {
    if (events.length === 0) return;
    if (this.queue.length >= MAX_PENDING_PUBLISHES) {
      if (this.dropped++ % 1000 === 0) this.options.logger.warn({ dropped: this.dropped }, 'realtime relay: too many messages waiting, dropping');
      return;
    }
    try {
      // Encoded now: the values are the committed ones, whatever later code does to the objects.
      this.queue.push(encodeEvents(events));
    } catch (err) {
      this.options.logger.warn({ err }, 'realtime relay: could not encode record events');
      return;
    }
    this.sending ??= this.drain();
  }

  /**
   * One message at a time, so that the other nodes receive this node's transactions in
   * commit order; what queued up meanwhile leaves as one message (one round trip, not many).
   */
  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      let size = this.queue[0]!.length;
      let count = 1;
      while (count < this.queue.length && size + this.queue[count]!.length <= MAX_MERGED_BYTES) size += this.queue[count++]!.length;
      const text = wrap(this.node, this.queue.splice(0, count));
      try {
        await this.options.messages.publish(text);
      } catch (err) {
        this.options.logger.warn({ err }, 'realtime relay: could not send record events to the other nodes');
      }
    }
    this.sending = null;
  }

  async start(onRemote: (events: RecordEvent[]) => void): Promise<void> {
    await this.options.messages.listen((text) => {
      const message = decodeRelayMessage(text, this.options.registry);
      if (!message) {
        this.options.logger.warn('realtime relay: ignored a message that is not a relay message');
        return;
      }
      if (message.node === this.node || message.events.length === 0) return;
      try {
        onRemote(message.events);
      } catch (err) {
        this.options.logger.warn({ err }, 'realtime relay: could not deliver record events from another node');
      }
    });
  }

  /** Resolves once every message handed over so far has been sent (or given up). */
  flushed(): Promise<void> {
    return this.sending ?? Promise.resolve();
  }

  async close(): Promise<void> {
    await this.flushed();
    await this.options.messages.close();
  }
}
