// Every hook Plinth triggers, in one place. Extension code reaches them through the `on…`
// methods, each optionally scoped to collections (by name or id).
import { Hook, TaggedHook, type HookFunc, type HookHandler } from './hook.js';
import type { BaseEvent, RecordErrorEvent, RecordEvent, RecordRequestEvent, RecordsListRequestEvent } from './events.js';
import type { AppEvent, MailerEvent, ServeEvent } from './app-events.js';

export class Hooks {
  // Record model events, inside the write's transaction (the after ones once it ended).
  readonly recordValidate = new Hook<RecordEvent>();
  readonly recordCreate = new Hook<RecordEvent>();
  readonly recordCreateExecute = new Hook<RecordEvent>();
  readonly recordAfterCreateSuccess = new Hook<RecordEvent>();
  readonly recordAfterCreateError = new Hook<RecordErrorEvent>();
  readonly recordUpdate = new Hook<RecordEvent>();
  readonly recordUpdateExecute = new Hook<RecordEvent>();
  readonly recordAfterUpdateSuccess = new Hook<RecordEvent>();
  readonly recordAfterUpdateError = new Hook<RecordErrorEvent>();
  readonly recordDelete = new Hook<RecordEvent>();
  readonly recordDeleteExecute = new Hook<RecordEvent>();
  readonly recordAfterDeleteSuccess = new Hook<RecordEvent>();
  readonly recordAfterDeleteError = new Hook<RecordErrorEvent>();

  // Record API requests (REST and batch sub-requests).
  readonly recordsListRequest = new Hook<RecordsListRequestEvent>();
  readonly recordViewRequest = new Hook<RecordRequestEvent>();
  readonly recordCreateRequest = new Hook<RecordRequestEvent>();
  readonly recordUpdateRequest = new Hook<RecordRequestEvent>();
  readonly recordDeleteRequest = new Hook<RecordRequestEvent>();

  // [auth-requests] Auth API requests (hooks/events-auth.ts).
  // [/auth-requests]

  // [collections] Collection model events and collection API requests (hooks/events-collections.ts).
  // [/collections]

  // [realtime-files] Realtime connections and messages, file downloads and tokens (hooks/events-realtime-files.ts).
  // [/realtime-files]

  // Mail and the application's life.
  readonly mailerSend = new Hook<MailerEvent>();
  readonly bootstrap = new Hook<AppEvent>();
  readonly serve = new Hook<ServeEvent>();
  readonly terminate = new Hook<AppEvent>();
}

/** What extension code does with a hook: bind handlers, remove them by id. */
export interface HookBinder<E> {
  bind(handler: HookHandler<E>): string;
  bindFunc(func: HookFunc<E>): string;
  unbind(...ids: string[]): void;
}

type TaggedHookOf<H> = H extends Hook<infer E> ? HookBinder<E> : never;
type PlainHookOf<H> = H extends Hook<infer E extends BaseEvent> ? HookBinder<E> : never;

/** The `on…` methods extension code calls; built from the catalog so both stay in step. */
export interface HookRegistrations {
  onRecordValidate(...collections: string[]): TaggedHookOf<Hooks['recordValidate']>;
  onRecordCreate(...collections: string[]): TaggedHookOf<Hooks['recordCreate']>;
  onRecordCreateExecute(...collections: string[]): TaggedHookOf<Hooks['recordCreateExecute']>;
  onRecordAfterCreateSuccess(...collections: string[]): TaggedHookOf<Hooks['recordAfterCreateSuccess']>;
  onRecordAfterCreateError(...collections: string[]): TaggedHookOf<Hooks['recordAfterCreateError']>;
  onRecordUpdate(...collections: string[]): TaggedHookOf<Hooks['recordUpdate']>;
  onRecordUpdateExecute(...collections: string[]): TaggedHookOf<Hooks['recordUpdateExecute']>;
  onRecordAfterUpdateSuccess(...collections: string[]): TaggedHookOf<Hooks['recordAfterUpdateSuccess']>;
  onRecordAfterUpdateError(...collections: string[]): TaggedHookOf<Hooks['recordAfterUpdateError']>;
  onRecordDelete(...collections: string[]): TaggedHookOf<Hooks['recordDelete']>;
  onRecordDeleteExecute(...collections: string[]): TaggedHookOf<Hooks['recordDeleteExecute']>;
  onRecordAfterDeleteSuccess(...collections: string[]): TaggedHookOf<Hooks['recordAfterDeleteSuccess']>;
  onRecordAfterDeleteError(...collections: string[]): TaggedHookOf<Hooks['recordAfterDeleteError']>;
  onRecordsListRequest(...collections: string[]): TaggedHookOf<Hooks['recordsListRequest']>;
  onRecordViewRequest(...collections: string[]): TaggedHookOf<Hooks['recordViewRequest']>;
  onRecordCreateRequest(...collections: string[]): TaggedHookOf<Hooks['recordCreateRequest']>;
  onRecordUpdateRequest(...collections: string[]): TaggedHookOf<Hooks['recordUpdateRequest']>;
  onRecordDeleteRequest(...collections: string[]): TaggedHookOf<Hooks['recordDeleteRequest']>;
  // [auth-requests]
  // [/auth-requests]
  // [collections]
  // [/collections]
  // [realtime-files]
  // [/realtime-files]
  onMailerSend(): PlainHookOf<Hooks['mailerSend']>;
  onBootstrap(): PlainHookOf<Hooks['bootstrap']>;
  onServe(): PlainHookOf<Hooks['serve']>;
  onTerminate(): PlainHookOf<Hooks['terminate']>;
}

export function hookRegistrations(hooks: Hooks): HookRegistrations {
  const tagged =
    <E extends RecordEvent | RecordRequestEvent | RecordsListRequestEvent>(hook: Hook<E>) =>
    (...collections: string[]) =>
      new TaggedHook(hook, collections);
  return {
    onRecordValidate: tagged(hooks.recordValidate),
    onRecordCreate: tagged(hooks.recordCreate),
    onRecordCreateExecute: tagged(hooks.recordCreateExecute),
    onRecordAfterCreateSuccess: tagged(hooks.recordAfterCreateSuccess),
    onRecordAfterCreateError: tagged(hooks.recordAfterCreateError),
    onRecordUpdate: tagged(hooks.recordUpdate),
    onRecordUpdateExecute: tagged(hooks.recordUpdateExecute),
    onRecordAfterUpdateSuccess: tagged(hooks.recordAfterUpdateSuccess),
    onRecordAfterUpdateError: tagged(hooks.recordAfterUpdateError),
    onRecordDelete: tagged(hooks.recordDelete),
    onRecordDeleteExecute: tagged(hooks.recordDeleteExecute),
    onRecordAfterDeleteSuccess: tagged(hooks.recordAfterDeleteSuccess),
    onRecordAfterDeleteError: tagged(hooks.recordAfterDeleteError),
    onRecordsListRequest: tagged(hooks.recordsListRequest),
    onRecordViewRequest: tagged(hooks.recordViewRequest),
    onRecordCreateRequest: tagged(hooks.recordCreateRequest),
    onRecordUpdateRequest: tagged(hooks.recordUpdateRequest),
    onRecordDeleteRequest: tagged(hooks.recordDeleteRequest),
    // [auth-requests]
    // [/auth-requests]
    // [collections]
    // [/collections]
    // [realtime-files]
    // [/realtime-files]
    onMailerSend: () => hooks.mailerSend,
    onBootstrap: () => hooks.bootstrap,
    onServe: () => hooks.serve,
    onTerminate: () => hooks.terminate,
  };
}
