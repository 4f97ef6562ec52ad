// The events of collection changes, of the collections, batch and settings APIs, and of a
// settings reload. Collection model events carry tags (the collection's id and name); the
// request events are about the superuser API and are not scoped.
import type { Collection } from '../collections/model.js';
import { addField, fieldFromJson } from '../collections/field-list.js';
import type { BatchRequest } from '../records/batch.js';
import type { RequestInfo } from '../rules/request-info.js';
import type { Settings } from '../settings.js';
import { BaseEvent, RequestEvent } from './events.js';
import type { HookApp } from './hook-app.js';
import type { TaggedEvent } from './hook.js';

export type CollectionWriteType = 'create' | 'update' | 'delete';

/**
 * A collection model event: validate, create/update/delete, their execute and after stages.
 * Before `next()` a create or update handler may change `collection` (or replace it).
 */
export class CollectionEvent extends BaseEvent implements TaggedEvent {
  constructor(
    /** Bound to the change's transaction (before it ended). */
    readonly app: HookApp,
    public collection: Collection,
    readonly type: CollectionWriteType,
  ) {
    super();
  }

  tags(): readonly string[] {
    return [this.collection.id, this.collection.name];
  }

  /**
   * Adds a field given in the collections API's JSON shape (`{name, type, …}`); a field of the
   * same name is replaced. Throws on a malformed definition.
   */
  addField(definition: Record<string, unknown>): void {
    addField(this.collection.fields, fieldFromJson(definition));
  }
}

/** After a failed change (its transaction rolled back); `error` is what the caller is answered. */
export class CollectionErrorEvent extends CollectionEvent {
  constructor(app: HookApp, collection: Collection, options: { type: CollectionWriteType; error: unknown }) {
    super(app, collection, options.type);
    this.error = options.error;
  }

  readonly error: unknown;
}

export interface CollectionsPage {
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
}

/** GET /api/collections: the page found; `next()` answers with `result` and `collections` as its items. */
export class CollectionsListRequestEvent extends RequestEvent {
  constructor(app: HookApp, info: RequestInfo, found: { collections: Collection[]; result: CollectionsPage }) {
    super(app, info);
    this.collections = found.collections;
    this.result = found.result;
  }

  collections: Collection[];
  readonly result: CollectionsPage;
}

/**
 * One collection's request: view (the stored one), create (built from the body, not yet
 * saved), update (the stored one with the body applied, not yet saved), delete (the one about
 * to go). `next()` goes on with the save, the delete or the reply.
 */
export class CollectionRequestEvent extends RequestEvent {
  constructor(
    app: HookApp,
    info: RequestInfo,
    public collection: Collection,
  ) {
    super(app, info);
  }
}

/** PUT /api/collections/import: `next()` imports `collectionsData` (all or nothing). */
export class CollectionsImportRequestEvent extends RequestEvent {
  constructor(app: HookApp, info: RequestInfo, body: { collectionsData: unknown[]; deleteMissing: boolean }) {
    super(app, info);
    this.collectionsData = body.collectionsData;
    this.deleteMissing = body.deleteMissing;
  }

  collectionsData: unknown[];
  deleteMissing: boolean;
}

/** POST /api/batch: the sub-requests, as parsed; `next()` runs them in one transaction. */
export class BatchRequestEvent extends RequestEvent {
  constructor(
    app: HookApp,
    info: RequestInfo,
    public batch: BatchRequest[],
  ) {
    super(app, info);
  }
}

/** GET /api/settings: the JSON about to be sent (secrets already left out); `next()` sends it. */
export class SettingsListRequestEvent extends RequestEvent {
  constructor(
    app: HookApp,
    info: RequestInfo,
    public settings: Record<string, unknown>,
  ) {
    super(app, info);
  }
}

/**
 * PATCH /api/settings: the settings in use and the ones the body makes of them (not yet
 * validated); `next()` validates and saves `newSettings`, then answers them without secrets.
 */
export class SettingsUpdateRequestEvent extends RequestEvent {
  constructor(app: HookApp, info: RequestInfo, settings: { oldSettings: Settings; newSettings: Settings }) {
    super(app, info);
    this.oldSettings = settings.oldSettings;
    this.newSettings = settings.newSettings;
  }

  readonly oldSettings: Settings;
  newSettings: Settings;
}

/** The settings were (re)loaded or saved, on this node; `settings` are the ones now in use. */
export class SettingsReloadEvent extends BaseEvent {
  constructor(
    readonly app: HookApp,
    readonly settings: Settings,
  ) {
    super();
  }
}
