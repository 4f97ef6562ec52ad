// The events handed to hook handlers. Every event carries `next()` (see hook.ts); events that
// belong to a collection carry tags (its id and name) for collection-scoped handlers.
import type { Collection } from '../collections/model.js';
import type { RequestInfo } from '../rules/request-info.js';
import type { HookApp } from './hook-app.js';
import { HookRecord } from './hook-record.js';
import type { HookEvent, TaggedEvent } from './hook.js';

export abstract class BaseEvent implements HookEvent {
  next: () => Promise<void> = async () => {};
}

export type RecordWriteType = 'create' | 'update' | 'delete';

/** A record model event: validate, create/update/delete, their execute and after stages. */
export class RecordEvent extends BaseEvent implements TaggedEvent {
  constructor(
    /** Bound to the write's transaction. */
    readonly app: HookApp,
    readonly record: HookRecord,
    readonly type: RecordWriteType,
  ) {
    super();
  }

  get collection(): Collection {
    return this.record.collection;
  }

  tags(): readonly string[] {
    return [this.collection.id, this.collection.name];
  }
}

/** After a failed write (its transaction rolled back). */
export class RecordErrorEvent extends RecordEvent {
  constructor(app: HookApp, record: HookRecord, options: { type: RecordWriteType; error: unknown }) {
    super(app, record, options.type);
    this.error = options.error;
  }

  readonly error: unknown;
}

/** What a request handler answers; written by the final handler or by a hook that answers itself. */
export type Reply =
  /** `list`: the body is a page of records (the `fields` parameter then picks inside `items`). */
  | { kind: 'json'; status: number; body: unknown; list?: boolean }
  | { kind: 'text'; status: number; body: string; contentType: string }
  | { kind: 'redirect'; status: number; location: string }
  | { kind: 'noContent'; status: number }
  | { kind: 'stream'; status: number; contentType: string; body: AsyncIterable<Uint8Array | string>; headers?: Record<string, string> };

/** An event about an API request: who asks, what they sent, and the reply to give. */
export class RequestEvent extends BaseEvent {
  reply: Reply | null = null;

  constructor(
    readonly app: HookApp,
    /** The request as the rules see it (`@request.*`). */
    readonly info: RequestInfo,
  ) {
    super();
  }

  /** The authenticated account (or superuser), or null for a guest. */
  get auth(): HookRecord | null {
    return this.info.auth ? new HookRecord(this.info.auth) : null;
  }

  hasSuperuserAuth(): boolean {
    return this.info.isSuperuser;
  }

  json(status: number, body: unknown): void {
    this.reply = { kind: 'json', status, body };
  }

  text(status: number, body: string): void {
    this.reply = { kind: 'text', status, body, contentType: 'text/plain; charset=utf-8' };
  }

  html(status: number, body: string): void {
    this.reply = { kind: 'text', status, body, contentType: 'text/html; charset=utf-8' };
  }

  redirect(status: number, location: string): void {
    this.reply = { kind: 'redirect', status, location };
  }

  noContent(status = 204): void {
    this.reply = { kind: 'noContent', status };
  }

  stream(status: number, contentType: string, body: AsyncIterable<Uint8Array | string>): void {
    this.reply = { kind: 'stream', status, contentType, body };
  }
}

abstract class CollectionRequestEvent extends RequestEvent implements TaggedEvent {
  constructor(app: HookApp, info: RequestInfo, readonly collection: Collection) {
    super(app, info);
  }

  tags(): readonly string[] {
    return [this.collection.id, this.collection.name];
  }
}

/** GET …/records: the page found; changes to the records before `next()` show in the reply. */
export class RecordsListRequestEvent extends CollectionRequestEvent {
  constructor(
    app: HookApp,
    info: RequestInfo,
    found: { collection: Collection; records: HookRecord[]; page: number; perPage: number; totalItems: number; totalPages: number },
  ) {
    super(app, info, found.collection);
    this.records = found.records;
    this.result = { page: found.page, perPage: found.perPage, totalItems: found.totalItems, totalPages: found.totalPages };
  }

  records: HookRecord[];
  readonly result: { page: number; perPage: number; totalItems: number; totalPages: number };
}

/**
 * One record's request: view (the record found), create (the record built from the body, not
 * yet saved), update (the stored record with the body applied, not yet saved), delete (the
 * record about to go). `next()` goes on with the save, the delete or the reply.
 */
export class RecordRequestEvent extends CollectionRequestEvent {
  constructor(app: HookApp, info: RequestInfo, readonly record: HookRecord) {
    super(app, info, record.collection);
  }
}
