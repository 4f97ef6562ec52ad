// The record API's requests (REST and batch sub-requests) run through their request hooks.
// Each finds what the request is about (the page, the record, the draft to save), hands it to
// the hooks, and does the work — save, delete, export — when the chain reaches its end. With
// no handler bound, the plain service call runs and no event is made.
import type { Executor } from '../../db/types.js';
import type { RequestInfo } from '../rules/request-info.js';
import type { RecordService } from '../records/service.js';
import type { BatchResult, BatchWrites } from '../records/batch.js';
import type { Hooks } from './catalog.js';
import { RecordRequestEvent, RecordsListRequestEvent, type Reply } from './events.js';
import type { HookApp } from './hook-app.js';
import type { Hook } from './hook.js';
import { HookRecord } from './hook-record.js';

export interface RecordRequestsDeps {
  records: RecordService;
  hooks: Hooks;
  appFor(exec?: Executor): HookApp;
}

export interface WriteOptions {
  /** A batch's transaction. */
  exec?: Executor;
  expand?: string | null;
}

const NOTHING: Reply = { kind: 'noContent', status: 204 };

/** A reply as a batch sub-request's result: its status and JSON body (null when it has none). */
export function replyResult(reply: Reply): BatchResult {
  switch (reply.kind) {
    case 'json':
    case 'text':
      return { status: reply.status, body: reply.body };
    case 'redirect':
    case 'noContent':
    case 'stream':
      return { status: reply.status, body: null };
  }
}

export class RecordRequests {
  constructor(private readonly deps: RecordRequestsDeps) {}

  /** True when no handler acts on this collection's requests: the plain path runs, no event is made. */
  private quiet(hook: Hook<RecordRequestEvent> | Hook<RecordsListRequestEvent>, ref: string): boolean {
    if (hook.length === 0) return true;
    const collection = this.deps.records.collection(ref);
    return !hook.actsOn([collection.id, collection.name]);
  }

  /** Batch sub-requests through these requests (and so through their hooks). */
  batchWrites(): BatchWrites {
    return {
      create: async (ref, info, body, options) => replyResult(await this.create(ref, info, body, options)),
      update: async (target, info, body, options) => replyResult(await this.update(target, info, body, options)),
      delete: async (target, info, options) => replyResult(await this.delete(target, info, options)),
    };
  }

  list(ref: string, info: RequestInfo, query: URLSearchParams): Promise<Reply> {
    // The plain path first, without an async frame of its own: it is the one list and view take most.
    if (this.quiet(this.deps.hooks.recordsListRequest, ref)) return this.deps.records.list(ref, info, query).then(listReply);
    return this.hookedList(ref, info, query);
  }

  private async hookedList(ref: string, info: RequestInfo, query: URLSearchParams): Promise<Reply> {
    const { records, hooks } = this.deps;
    const found = await records.findPage(ref, info, query);
    const event = new RecordsListRequestEvent(this.deps.appFor(), info, { ...found, records: found.records.map((r) => new HookRecord(r)) });
    await hooks.recordsListRequest.trigger(event, async (e) => {
      const items = await records.present(records.executor, e.records.map((r) => r.model), info, query.get('expand'));
      e.reply = listReply({ ...e.result, items });
    });
    return event.reply ?? NOTHING;
  }

  view(target: { ref: string; id: string }, info: RequestInfo, query: URLSearchParams): Promise<Reply> {
    if (this.quiet(this.deps.hooks.recordViewRequest, target.ref)) return this.deps.records.view(target.ref, target.id, info, query).then(json);
    return this.hookedView(target, info, query);
  }

  private async hookedView(target: { ref: string; id: string }, info: RequestInfo, query: URLSearchParams): Promise<Reply> {
    const { records, hooks } = this.deps;
    const found = await records.findForView(target.ref, target.id, info);
    const event = new RecordRequestEvent(this.deps.appFor(), info, new HookRecord(found));
    await hooks.recordViewRequest.trigger(event, async (e) => {
      const [out] = await records.present(records.executor, [e.record.model], info, query.get('expand'));
      e.json(200, out);
    });
    return event.reply ?? NOTHING;
  }

  async create(ref: string, info: RequestInfo, body: Record<string, unknown>, options: WriteOptions = {}): Promise<Reply> {
    const { records, hooks } = this.deps;
    if (this.quiet(hooks.recordCreateRequest, ref)) return json(await records.create(ref, info, body, options));
    const draft = records.draftCreate(ref, info, body);
    const event = new RecordRequestEvent(this.deps.appFor(options.exec), info, new HookRecord(draft.record, draft.applied));
    await hooks.recordCreateRequest.trigger(event, async (e) => {
      e.json(200, await records.create(ref, info, body, { ...options, draft: { record: e.record.model, applied: e.record.applied } }));
    });
    return event.reply ?? NOTHING;
  }

  async update(target: { ref: string; id: string }, info: RequestInfo, body: Record<string, unknown>, options: WriteOptions = {}): Promise<Reply> {
    const { records, hooks } = this.deps;
    if (this.quiet(hooks.recordUpdateRequest, target.ref)) return json(await records.update(target, info, body, options));
    const draft = await records.draftUpdate(target, info, body, options.exec);
    const event = new RecordRequestEvent(this.deps.appFor(options.exec), info, new HookRecord(draft.record, draft.applied));
    await hooks.recordUpdateRequest.trigger(event, async (e) => {
      e.json(200, await records.update(target, info, body, { ...options, draft: { record: e.record.model, applied: e.record.applied } }));
    });
    return event.reply ?? NOTHING;
  }

  async delete(target: { ref: string; id: string }, info: RequestInfo, options: WriteOptions = {}): Promise<Reply> {
    const { records, hooks } = this.deps;
    if (this.quiet(hooks.recordDeleteRequest, target.ref)) {
      await records.delete(target.ref, target.id, info, options);
      return NOTHING;
    }
    const found = await records.findForDelete(target.ref, target.id, info, options.exec);
    const event = new RecordRequestEvent(this.deps.appFor(options.exec), info, new HookRecord(found));
    await hooks.recordDeleteRequest.trigger(event, async (e) => {
      await records.delete(target.ref, e.record.id, info, options);
      e.noContent();
    });
    return event.reply ?? NOTHING;
  }
}

function json(body: unknown): Reply {
  return { kind: 'json', status: 200, body };
}

function listReply(body: unknown): Reply {
  return { kind: 'json', status: 200, body, list: true };
}
