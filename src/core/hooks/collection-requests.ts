// The collections API's requests (superusers only) run through their request hooks. Each takes
// what the request is about (the page found, the stored collection, the draft built from the
// body), hands it to the hooks, and does the work — save, delete, import, reply — when the
// chain reaches its end. With no handler bound, the plain service call runs and no event is made.
import { collectionToJson } from '../collections/collection-json.js';
import type { CollectionService } from '../collections/collection-service.js';
import type { Collection } from '../collections/model.js';
import type { RequestInfo } from '../rules/request-info.js';
import type { Hooks } from './catalog.js';
import type { Reply } from './events.js';
import { CollectionRequestEvent, CollectionsImportRequestEvent, CollectionsListRequestEvent, type CollectionsPage } from './events-collections.js';
import type { HookApp } from './hook-app.js';

export interface CollectionRequestsDeps {
  collections: CollectionService;
  hooks: Hooks;
  appFor(): HookApp;
}

const NOTHING: Reply = { kind: 'noContent', status: 204 };

export class CollectionRequests {
  constructor(private readonly deps: CollectionRequestsDeps) {}

  async list(info: RequestInfo, found: { collections: Collection[]; result: CollectionsPage }): Promise<Reply> {
    const hook = this.deps.hooks.collectionsListRequest;
    if (hook.length === 0) return listReply(found);
    const event = new CollectionsListRequestEvent(this.deps.appFor(), info, found);
    await hook.trigger(event, (e) => {
      e.reply = listReply(e);
    });
    return event.reply ?? NOTHING;
  }

  async view(info: RequestInfo, collection: Collection): Promise<Reply> {
    const hook = this.deps.hooks.collectionViewRequest;
    if (hook.length === 0) return json(collectionToJson(collection));
    const event = new CollectionRequestEvent(this.deps.appFor(), info, collection);
    await hook.trigger(event, (e) => e.json(200, collectionToJson(e.collection)));
    return event.reply ?? NOTHING;
  }

  async create(info: RequestInfo, body: unknown): Promise<Reply> {
    const { collections, hooks } = this.deps;
    const draft = collections.draftCreate(body);
    if (hooks.collectionCreateRequest.length === 0) return json(collectionToJson(await collections.saveDraft(draft)));
    const event = new CollectionRequestEvent(this.deps.appFor(), info, draft.next);
    await hooks.collectionCreateRequest.trigger(event, async (e) => {
      e.json(200, collectionToJson(await collections.saveDraft({ ...draft, next: e.collection })));
    });
    return event.reply ?? NOTHING;
  }

  async update(info: RequestInfo, nameOrId: string, body: unknown): Promise<Reply> {
    const { collections, hooks } = this.deps;
    const draft = await collections.draftUpdate(nameOrId, body);
    if (hooks.collectionUpdateRequest.length === 0) return json(collectionToJson(await collections.saveDraft(draft)));
    const event = new CollectionRequestEvent(this.deps.appFor(), info, draft.next);
    await hooks.collectionUpdateRequest.trigger(event, async (e) => {
      e.json(200, collectionToJson(await collections.saveDraft({ ...draft, next: e.collection })));
    });
    return event.reply ?? NOTHING;
  }

  async delete(info: RequestInfo, collection: Collection): Promise<Reply> {
    const { collections, hooks } = this.deps;
    if (hooks.collectionDeleteRequest.length === 0) {
      await collections.delete(collection.id);
      return NOTHING;
    }
    const event = new CollectionRequestEvent(this.deps.appFor(), info, collection);
    await hooks.collectionDeleteRequest.trigger(event, async (e) => {
      await collections.delete(e.collection.id);
      e.noContent();
    });
    return event.reply ?? NOTHING;
  }

  async import(info: RequestInfo, body: { collectionsData: unknown[]; deleteMissing: boolean }): Promise<Reply> {
    const { collections, hooks } = this.deps;
    if (hooks.collectionsImportRequest.length === 0) {
      await collections.importCollections(body.collectionsData, body.deleteMissing);
      return NOTHING;
    }
    const event = new CollectionsImportRequestEvent(this.deps.appFor(), info, body);
    await hooks.collectionsImportRequest.trigger(event, async (e) => {
      await collections.importCollections(e.collectionsData, e.deleteMissing);
      e.noContent();
    });
    return event.reply ?? NOTHING;
  }
}

function json(body: unknown): Reply {
  return { kind: 'json', status: 200, body };
}

function listReply(found: { collections: Collection[]; result: CollectionsPage }): Reply {
  const { page, perPage, totalItems, totalPages } = found.result;
  return { kind: 'json', status: 200, body: { page, perPage, totalItems, totalPages, items: found.collections.map(collectionToJson) }, list: true };
}
