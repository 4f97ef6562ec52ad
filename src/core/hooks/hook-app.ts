// `e.app`: what extension code may do with the application — read and write records (with
// validation and the model hooks, without the API rules), open transactions, read settings,
// send mail, log. Inside a write hook it is bound to that write's transaction, so its reads
// see the write and its writes commit or roll back with it.
import type { Logger } from 'pino';
import type { Executor, TransactionExecutor } from '../../db/types.js';
import type { Collection } from '../collections/model.js';
import { notFound } from '../errors/index.js';
import type { MailMessage } from '../mail/types.js';
import type { AccessCompiler } from '../rules/access.js';
import type { RequestInfo } from '../rules/request-info.js';
import type { CollectionRegistry, RecordService } from '../records/service.js';
import { decodeRow, findRecordById } from '../records/repository.js';
import type { Settings } from '../settings.js';
import { bindFilterParams, type FilterParams } from './filter-params.js';
import { HookRecord } from './hook-record.js';
import type { EnqueueOptions, JobQueue } from '../jobs/index.js';
import { outboundRequest, type OutboundPolicy, type OutboundRequest, type OutboundResponse } from '../../lib/outbound/index.js';

/** Custom webhook events (webhooks.md): queued for every enabled endpoint subscribed to `type`. */
export interface CustomEvents {
  emit(exec: Executor, type: string, data: unknown): Promise<number>;
}

export interface HookAppDeps {
  records: RecordService;
  collections: CollectionRegistry;
  access: AccessCompiler;
  settings(): Settings;
  sendMail(message: MailMessage): Promise<void>;
  logger: Logger;
  jobs: JobQueue;
  events: CustomEvents;
  /** The internal-address policy webhook deliveries follow (with the operator's allowlist). */
  outboundPolicy: OutboundPolicy;
}

export interface FindOptions {
  sort?: string;
  limit?: number;
  offset?: number;
  params?: FilterParams;
}

const SYSTEM_REQUEST: RequestInfo = {
  auth: null,
  isSuperuser: true,
  method: 'GET',
  query: {},
  headers: {},
  body: {},
  context: 'default',
};

export class HookApp {
  constructor(
    private readonly deps: HookAppDeps,
    /** Raw SQL with `?` placeholders; inside a write hook, the write's transaction. */
    readonly db: Executor,
  ) {}

  get logger(): Logger {
    return this.deps.logger;
  }

  settings(): Settings {
    return this.deps.settings();
  }

  /** The job queue; inside a write hook an enqueued job commits or rolls back with the write. */
  get jobs(): { enqueue(name: string, payload?: unknown, options?: EnqueueOptions): Promise<{ id: string; created: boolean }> } {
    return { enqueue: (name, payload, options) => this.deps.jobs.enqueue(name, payload, options, this.db) };
  }

  /**
   * An HTTP request to a URL a user supplied, with the webhooks' protection: internal
   * addresses (after DNS, and on every redirect) are refused unless allowlisted.
   */
  outboundRequest(request: OutboundRequest): Promise<OutboundResponse> {
    return outboundRequest(request, this.deps.outboundPolicy);
  }

  /** Sends a custom event to the webhooks subscribed to it (with this transaction); resolves with how many. */
  emitWebhookEvent(type: string, data?: unknown): Promise<number> {
    return this.deps.events.emit(this.db, type, data ?? null);
  }

  sendMail(message: MailMessage): Promise<void> {
    return this.deps.sendMail(message);
  }

  /** A collection by name or id; throws a 404 error when there is none. */
  findCollection(nameOrId: string): Collection {
    const found = this.deps.collections.byNameOrId(nameOrId);
    if (!found) throw notFound(`Missing collection "${nameOrId}".`);
    return found;
  }

  newRecord(collection: string | Collection, data: Record<string, unknown> = {}): HookRecord {
    const target = typeof collection === 'string' ? this.findCollection(collection) : collection;
    return new HookRecord(this.deps.records.newRecord(target)).load(data);
  }

  async findRecordById(collection: string | Collection, id: string): Promise<HookRecord | null> {
    const target = typeof collection === 'string' ? this.findCollection(collection) : collection;
    const model = await findRecordById(this.db, target, id);
    return model ? new HookRecord(model) : null;
  }

  async findRecordsByFilter(collection: string | Collection, filter: string, options: FindOptions = {}): Promise<HookRecord[]> {
    const target = typeof collection === 'string' ? this.findCollection(collection) : collection;
    const select = this.deps.access.select(
      { collection: target, request: SYSTEM_REQUEST, rules: [], clientFilter: bindFilterParams(filter, options.params), clientSort: options.sort },
      { limit: Math.max(0, options.limit ?? 1000), offset: Math.max(0, options.offset ?? 0) },
    );
    const rows = await this.db.all(select.sql, select.params);
    return rows.map((row) => new HookRecord(decodeRow(target, row)));
  }

  async findFirstRecordByFilter(collection: string | Collection, filter: string, params?: FilterParams): Promise<HookRecord | null> {
    const [first] = await this.findRecordsByFilter(collection, filter, { limit: 1, params });
    return first ?? null;
  }

  async countRecords(collection: string | Collection, filter = '', params?: FilterParams): Promise<number> {
    const target = typeof collection === 'string' ? this.findCollection(collection) : collection;
    const count = this.deps.access.count({ collection: target, request: SYSTEM_REQUEST, rules: [], clientFilter: bindFilterParams(filter, params) });
    const row = await this.db.get<{ count: number }>(count.sql, count.params);
    return Number(row?.count ?? 0);
  }

  /** Validates and saves (creates or updates) a record, running the model hooks; no API rules. */
  async save(record: HookRecord): Promise<void> {
    await this.deps.records.saveModel(record.model, { applied: record.applied, exec: this.db });
  }

  /** Deletes a record with its cascades, running the model hooks; no API rules. */
  async delete(record: HookRecord): Promise<void> {
    await this.deps.records.deleteModel(record.model, { exec: this.db });
  }

  /**
   * Runs `fn` in a transaction (a savepoint when this app is already inside one); record events
   * and after-success hooks follow the outermost commit.
   */
  runInTransaction<T>(fn: (txApp: HookApp) => Promise<T>): Promise<T> {
    return this.deps.records.transaction((tx: TransactionExecutor) => fn(new HookApp(this.deps, tx)), this.db);
  }
}
