// Turns committed record writes into realtime messages. Creates and updates are prepared
// after the commit, off the writer's path (the next turn of the event loop, so the write's
// response leaves first); deletes are prepared inside their transaction, just before the row
// goes, so rules that look at other rows (back-relations a cascade is about to clear) see
// what a read before the delete would. Events are prepared concurrently (grouped checks,
// shared exports) and delivered strictly in commit order.
//
// Each subscriber sees the record exactly as the REST API would show it: the list or view
// rule and the subscription's filter decide whether; the API's own export (hidden fields,
// email visibility, expand through the related view rules, `fields`) decides how.
import type { Logger } from 'pino';
import type { Database, Executor, TransactionExecutor } from '../../db/types.js';
import type { RecordEvent } from '../records/events.js';
import { parseFieldsParam, pickFields } from '../records/fields-picker.js';
import type { RecordModel } from '../records/record.js';
import type { CollectionRegistry, RecordService } from '../records/service.js';
import type { AccessCompiler } from '../rules/access.js';
import type { RealtimeBroker, RealtimeClient, RealtimeMessage } from './broker.js';
import { runChecks } from './fanout-checks.js';
import { FanoutPlanner, type CheckGroup, type FanoutMode, type Target } from './fanout-plan.js';

export interface FanoutDeps {
  db: Database;
  broker: RealtimeBroker;
  records: RecordService;
  access: AccessCompiler;
  collections: CollectionRegistry;
  logger: Logger;
}

/** Cumulative counters, for the benchmark and for operators. */
export interface FanoutStats {
  events: number;
  /** Check groups formed (one per distinct check, or per subscriber in per-client mode). */
  checkGroups: number;
  /** Statements run for the checks. */
  checkQueries: number;
  deliveries: number;
}

interface Delivery {
  client: RealtimeClient;
  message: RealtimeMessage;
}

export class RecordFanout {
  /** `per-client` runs one unbatched check per subscriber: PocketBase's way, kept to compare. */
  mode: FanoutMode = 'grouped';
  private readonly counters: FanoutStats = { events: 0, checkGroups: 0, checkQueries: 0, deliveries: 0 };
  private tail: Promise<void> = Promise.resolve();
  private waiting: RecordEvent[] = [];
  private scheduled: Promise<void> | null = null;
  /** Deliveries of deletes, prepared in their transaction, by the record the event carries. */
  private readonly preparedDeletes = new WeakMap<RecordModel, Delivery[]>();

  private readonly planner: FanoutPlanner;

  constructor(private readonly deps: FanoutDeps) {
    this.planner = new FanoutPlanner({ broker: deps.broker, collections: deps.collections });
  }

  /** Committed events in commit order; their messages leave in that order. Never throws. */
  handle(events: RecordEvent[]): void {
    // Most writes concern no subscriber at all: they cost nothing more than this check.
    const wanted = events.filter((event) => this.deps.broker.hasSubscribers(event.record.collection));
    if (wanted.length === 0) return;
    this.waiting.push(...wanted);
    this.scheduled ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        this.scheduled = null;
        const batch = this.waiting;
        this.waiting = [];
        for (const event of batch) this.enqueue(event);
        resolve();
      }),
    );
  }

  /**
   * Called inside a delete's transaction before the row goes: works out who gets the
   * delete now, while the rows its rules may read are still there. A failing check never
   * fails the delete.
   */
  async prepareDelete(tx: Executor, record: RecordModel): Promise<void> {
    if (!this.deps.broker.hasSubscribers(record.collection)) return;
    const event: RecordEvent = { action: 'delete', record };
    try {
      // On PostgreSQL a failed statement would poison the transaction: a savepoint keeps
      // a failing check from failing the write.
      const deliveries =
        tx !== this.deps.db && 'transaction' in tx
          ? await (tx as TransactionExecutor).transaction((sp) => this.prepare(event, sp))
          : await this.prepare(event, tx);
      this.preparedDeletes.set(record, deliveries);
    } catch (err) {
      this.deps.logger.warn({ err, collection: record.collection.name }, 'realtime: could not prepare a delete event');
      this.preparedDeletes.set(record, []);
    }
  }

  /** Resolves once every event handed over so far has been delivered. */
  async idle(): Promise<void> {
    while (this.scheduled) await this.scheduled;
    await this.tail;
  }

  stats(): FanoutStats {
    return { ...this.counters };
  }

  private enqueue(event: RecordEvent): void {
    const early = event.action === 'delete' ? this.preparedDeletes.get(event.record) : undefined;
    const prepared = early
      ? Promise.resolve(early)
      : this.prepare(event, this.deps.db).catch((err: unknown) => {
          this.deps.logger.warn({ err, collection: event.record.collection.name }, 'realtime: could not prepare a record event');
          return [] as Delivery[];
        });
    this.tail = this.tail.then(async () => {
      const deliveries = await prepared;
      // Looked up once per event: with no message hook bound the loop below stays synchronous.
      const filter = this.deps.broker.activeFilter();
      if (filter !== null) {
        await Promise.all(deliveries.map(({ client, message }) => this.deps.broker.send(client, message, filter)));
        return;
      }
      for (const { client, message } of deliveries) {
        try {
          this.deps.broker.deliver(client, message);
        } catch (err) {
          // A broken transport must not stop the queue for everyone else.
          this.deps.logger.warn({ err }, 'realtime: could not send to a client');
        }
      }
    });
  }

  private async prepare(event: RecordEvent, exec: Executor): Promise<Delivery[]> {
    this.counters.events++;
    const groups = this.planner.groupsFor(event, this.mode);
    if (groups.length === 0) return [];
    this.counters.checkGroups += groups.length;
    const allowed = await runChecks(
      exec,
      { access: this.deps.access, counters: this.counters },
      { record: event.record, groups, batch: this.mode === 'grouped' },
    );
    // Exports first, one per distinct view of the record, all under way together.
    const exports = new Map<string, Promise<unknown>>();
    const passing: Array<{ group: CheckGroup; target: Target; key: string }> = [];
    for (let i = 0; i < groups.length; i++) {
      if (!allowed[i]) continue;
      const group = groups[i]!;
      for (const target of group.targets) {
        const key = this.mode === 'grouped' ? target.exportKey : `${i}\n${target.client.id}`;
        if (!exports.has(key)) exports.set(key, this.exportFor(exec, { event, group, target }));
        passing.push({ group, target, key });
      }
    }
    const exported = new Map<string, unknown>();
    for (const [key, pending] of exports) exported.set(key, await pending);
    // One message object per export and topic string: the transport encodes each once.
    const messages = new Map<string, RealtimeMessage>();
    const deliveries: Delivery[] = [];
    for (const { target, key } of passing) {
      const record = exported.get(key);
      if (record === null || record === undefined) continue;
      const messageKey = `${key}\n${target.subscription.topic}`;
      let message = messages.get(messageKey);
      if (!message) {
        message = { name: target.subscription.topic, data: { action: event.action, record } };
        messages.set(messageKey, message);
      }
      deliveries.push({ client: target.client, message });
    }
    this.counters.deliveries += deliveries.length;
    return deliveries;
  }

  /** The record as the REST API would show it to this subscriber, or null when that fails. */
  private async exportFor(exec: Executor, input: { event: RecordEvent; group: CheckGroup; target: Target }): Promise<unknown> {
    const { event, group, target } = input;
    const { collection } = event.record;
    // A copy: expansion writes into the record, and each viewer expands for itself.
    const copy = { collection, values: { ...event.record.values } };
    try {
      const [out] = await this.deps.records.present(exec, [copy], target.request, group.expand || null);
      if (!out) return null;
      return group.fields === '' ? out : pickFields(out, parseFieldsParam(group.fields), false);
    } catch (err) {
      // A bad expand or fields option in a subscription: that subscription gets nothing.
      this.deps.logger.debug({ err, collection: collection.name }, 'realtime: could not export a record for a subscription');
      return null;
    }
  }
}
