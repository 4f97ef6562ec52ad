// Every hook Plinth triggers, in one place. Extension code reaches them through the `on…`
// methods, each optionally scoped to collections (by name or id).
import { Hook, TaggedHook, type HookFunc, type HookHandler } from './hook.js';
import type { BaseEvent, RecordErrorEvent, RecordEvent, RecordRequestEvent, RecordsListRequestEvent } from './events.js';
import type { AppEvent, MailerEvent, ServeEvent } from './app-events.js';
import type * as CollectionEvents from './events-collections.js';
import type * as AuthEvents from './events-auth.js';
import type {
  FileDownloadRequestEvent,
  FileTokenRequestEvent,
  RealtimeConnectRequestEvent,
  RealtimeMessageEvent,
  RealtimeSubscribeRequestEvent,
} from './events-realtime-files.js';

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
  readonly recordAuthRequest = new Hook<AuthEvents.RecordAuthRequestEvent>();
  readonly recordAuthWithPasswordRequest = new Hook<AuthEvents.RecordAuthWithPasswordRequestEvent>();
  readonly recordAuthWithOTPRequest = new Hook<AuthEvents.RecordAuthWithOTPRequestEvent>();
  readonly recordRequestOTPRequest = new Hook<AuthEvents.RecordRequestOTPRequestEvent>();
  readonly recordAuthWithOAuth2Request = new Hook<AuthEvents.RecordAuthWithOAuth2RequestEvent>();
  readonly recordAuthRefreshRequest = new Hook<AuthEvents.RecordAuthRefreshRequestEvent>();
  readonly recordRequestPasswordResetRequest = new Hook<AuthEvents.RecordRequestPasswordResetRequestEvent>();
  readonly recordConfirmPasswordResetRequest = new Hook<AuthEvents.RecordConfirmPasswordResetRequestEvent>();
  readonly recordRequestVerificationRequest = new Hook<AuthEvents.RecordRequestVerificationRequestEvent>();
  readonly recordConfirmVerificationRequest = new Hook<AuthEvents.RecordConfirmVerificationRequestEvent>();
  readonly recordRequestEmailChangeRequest = new Hook<AuthEvents.RecordRequestEmailChangeRequestEvent>();
  readonly recordConfirmEmailChangeRequest = new Hook<AuthEvents.RecordConfirmEmailChangeRequestEvent>();
  // [/auth-requests]

  // [collections] Collection model events and collection API requests (hooks/events-collections.ts).
  // Collection model events, inside the change's transaction (the after ones once it ended).
  readonly collectionValidate = new Hook<CollectionEvents.CollectionEvent>();
  readonly collectionCreate = new Hook<CollectionEvents.CollectionEvent>();
  readonly collectionCreateExecute = new Hook<CollectionEvents.CollectionEvent>();
  readonly collectionAfterCreateSuccess = new Hook<CollectionEvents.CollectionEvent>();
  readonly collectionAfterCreateError = new Hook<CollectionEvents.CollectionErrorEvent>();
  readonly collectionUpdate = new Hook<CollectionEvents.CollectionEvent>();
  readonly collectionUpdateExecute = new Hook<CollectionEvents.CollectionEvent>();
  readonly collectionAfterUpdateSuccess = new Hook<CollectionEvents.CollectionEvent>();
  readonly collectionAfterUpdateError = new Hook<CollectionEvents.CollectionErrorEvent>();
  readonly collectionDelete = new Hook<CollectionEvents.CollectionEvent>();
  readonly collectionDeleteExecute = new Hook<CollectionEvents.CollectionEvent>();
  readonly collectionAfterDeleteSuccess = new Hook<CollectionEvents.CollectionEvent>();
  readonly collectionAfterDeleteError = new Hook<CollectionEvents.CollectionErrorEvent>();
  // Collections, batch and settings API requests; settings reloads.
  readonly collectionsListRequest = new Hook<CollectionEvents.CollectionsListRequestEvent>();
  readonly collectionViewRequest = new Hook<CollectionEvents.CollectionRequestEvent>();
  readonly collectionCreateRequest = new Hook<CollectionEvents.CollectionRequestEvent>();
  readonly collectionUpdateRequest = new Hook<CollectionEvents.CollectionRequestEvent>();
  readonly collectionDeleteRequest = new Hook<CollectionEvents.CollectionRequestEvent>();
  readonly collectionsImportRequest = new Hook<CollectionEvents.CollectionsImportRequestEvent>();
  readonly batchRequest = new Hook<CollectionEvents.BatchRequestEvent>();
  readonly settingsListRequest = new Hook<CollectionEvents.SettingsListRequestEvent>();
  readonly settingsUpdateRequest = new Hook<CollectionEvents.SettingsUpdateRequestEvent>();
  readonly settingsReload = new Hook<CollectionEvents.SettingsReloadEvent>();
  // [/collections]

  // [realtime-files] Realtime connections and messages, file downloads and tokens (hooks/events-realtime-files.ts).
  readonly realtimeConnectRequest = new Hook<RealtimeConnectRequestEvent>();
  readonly realtimeSubscribeRequest = new Hook<RealtimeSubscribeRequestEvent>();
  readonly realtimeMessageSend = new Hook<RealtimeMessageEvent>();
  readonly fileDownloadRequest = new Hook<FileDownloadRequestEvent>();
  readonly fileTokenRequest = new Hook<FileTokenRequestEvent>();
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
  onRecordAuthRequest(...collections: string[]): TaggedHookOf<Hooks['recordAuthRequest']>;
  onRecordAuthWithPasswordRequest(...collections: string[]): TaggedHookOf<Hooks['recordAuthWithPasswordRequest']>;
  onRecordAuthWithOTPRequest(...collections: string[]): TaggedHookOf<Hooks['recordAuthWithOTPRequest']>;
  onRecordRequestOTPRequest(...collections: string[]): TaggedHookOf<Hooks['recordRequestOTPRequest']>;
  onRecordAuthWithOAuth2Request(...collections: string[]): TaggedHookOf<Hooks['recordAuthWithOAuth2Request']>;
  onRecordAuthRefreshRequest(...collections: string[]): TaggedHookOf<Hooks['recordAuthRefreshRequest']>;
  onRecordRequestPasswordResetRequest(...collections: string[]): TaggedHookOf<Hooks['recordRequestPasswordResetRequest']>;
  onRecordConfirmPasswordResetRequest(...collections: string[]): TaggedHookOf<Hooks['recordConfirmPasswordResetRequest']>;
  onRecordRequestVerificationRequest(...collections: string[]): TaggedHookOf<Hooks['recordRequestVerificationRequest']>;
  onRecordConfirmVerificationRequest(...collections: string[]): TaggedHookOf<Hooks['recordConfirmVerificationRequest']>;
  onRecordRequestEmailChangeRequest(...collections: string[]): TaggedHookOf<Hooks['recordRequestEmailChangeRequest']>;
  onRecordConfirmEmailChangeRequest(...collections: string[]): TaggedHookOf<Hooks['recordConfirmEmailChangeRequest']>;
  // [/auth-requests]
  // [collections]
  onCollectionValidate(...collections: string[]): TaggedHookOf<Hooks['collectionValidate']>;
  onCollectionCreate(...collections: string[]): TaggedHookOf<Hooks['collectionCreate']>;
  onCollectionCreateExecute(...collections: string[]): TaggedHookOf<Hooks['collectionCreateExecute']>;
  onCollectionAfterCreateSuccess(...collections: string[]): TaggedHookOf<Hooks['collectionAfterCreateSuccess']>;
  onCollectionAfterCreateError(...collections: string[]): TaggedHookOf<Hooks['collectionAfterCreateError']>;
  onCollectionUpdate(...collections: string[]): TaggedHookOf<Hooks['collectionUpdate']>;
  onCollectionUpdateExecute(...collections: string[]): TaggedHookOf<Hooks['collectionUpdateExecute']>;
  onCollectionAfterUpdateSuccess(...collections: string[]): TaggedHookOf<Hooks['collectionAfterUpdateSuccess']>;
  onCollectionAfterUpdateError(...collections: string[]): TaggedHookOf<Hooks['collectionAfterUpdateError']>;
  onCollectionDelete(...collections: string[]): TaggedHookOf<Hooks['collectionDelete']>;
  onCollectionDeleteExecute(...collections: string[]): TaggedHookOf<Hooks['collectionDeleteExecute']>;
  onCollectionAfterDeleteSuccess(...collections: string[]): TaggedHookOf<Hooks['collectionAfterDeleteSuccess']>;
  onCollectionAfterDeleteError(...collections: string[]): TaggedHookOf<Hooks['collectionAfterDeleteError']>;
  onCollectionsListRequest(): PlainHookOf<Hooks['collectionsListRequest']>;
  onCollectionViewRequest(): PlainHookOf<Hooks['collectionViewRequest']>;
  onCollectionCreateRequest(): PlainHookOf<Hooks['collectionCreateRequest']>;
  onCollectionUpdateRequest(): PlainHookOf<Hooks['collectionUpdateRequest']>;
  onCollectionDeleteRequest(): PlainHookOf<Hooks['collectionDeleteRequest']>;
  onCollectionsImportRequest(): PlainHookOf<Hooks['collectionsImportRequest']>;
  onBatchRequest(): PlainHookOf<Hooks['batchRequest']>;
  onSettingsListRequest(): PlainHookOf<Hooks['settingsListRequest']>;
  onSettingsUpdateRequest(): PlainHookOf<Hooks['settingsUpdateRequest']>;
  onSettingsReload(): PlainHookOf<Hooks['settingsReload']>;
  // [/collections]
  // [realtime-files]
  onRealtimeConnectRequest(): PlainHookOf<Hooks['realtimeConnectRequest']>;
  onRealtimeSubscribeRequest(): PlainHookOf<Hooks['realtimeSubscribeRequest']>;
  onRealtimeMessageSend(): PlainHookOf<Hooks['realtimeMessageSend']>;
  onFileDownloadRequest(...collections: string[]): TaggedHookOf<Hooks['fileDownloadRequest']>;
  onFileTokenRequest(...collections: string[]): TaggedHookOf<Hooks['fileTokenRequest']>;
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
    onRecordAuthRequest: (...collections) => new TaggedHook(hooks.recordAuthRequest, collections),
    onRecordAuthWithPasswordRequest: (...collections) => new TaggedHook(hooks.recordAuthWithPasswordRequest, collections),
    onRecordAuthWithOTPRequest: (...collections) => new TaggedHook(hooks.recordAuthWithOTPRequest, collections),
    onRecordRequestOTPRequest: (...collections) => new TaggedHook(hooks.recordRequestOTPRequest, collections),
    onRecordAuthWithOAuth2Request: (...collections) => new TaggedHook(hooks.recordAuthWithOAuth2Request, collections),
    onRecordAuthRefreshRequest: (...collections) => new TaggedHook(hooks.recordAuthRefreshRequest, collections),
    onRecordRequestPasswordResetRequest: (...collections) => new TaggedHook(hooks.recordRequestPasswordResetRequest, collections),
    onRecordConfirmPasswordResetRequest: (...collections) => new TaggedHook(hooks.recordConfirmPasswordResetRequest, collections),
    onRecordRequestVerificationRequest: (...collections) => new TaggedHook(hooks.recordRequestVerificationRequest, collections),
    onRecordConfirmVerificationRequest: (...collections) => new TaggedHook(hooks.recordConfirmVerificationRequest, collections),
    onRecordRequestEmailChangeRequest: (...collections) => new TaggedHook(hooks.recordRequestEmailChangeRequest, collections),
    onRecordConfirmEmailChangeRequest: (...collections) => new TaggedHook(hooks.recordConfirmEmailChangeRequest, collections),
    // [/auth-requests]
    // [collections]
    onCollectionValidate: (...collections) => new TaggedHook(hooks.collectionValidate, collections),
    onCollectionCreate: (...collections) => new TaggedHook(hooks.collectionCreate, collections),
    onCollectionCreateExecute: (...collections) => new TaggedHook(hooks.collectionCreateExecute, collections),
    onCollectionAfterCreateSuccess: (...collections) => new TaggedHook(hooks.collectionAfterCreateSuccess, collections),
    onCollectionAfterCreateError: (...collections) => new TaggedHook(hooks.collectionAfterCreateError, collections),
    onCollectionUpdate: (...collections) => new TaggedHook(hooks.collectionUpdate, collections),
    onCollectionUpdateExecute: (...collections) => new TaggedHook(hooks.collectionUpdateExecute, collections),
    onCollectionAfterUpdateSuccess: (...collections) => new TaggedHook(hooks.collectionAfterUpdateSuccess, collections),
    onCollectionAfterUpdateError: (...collections) => new TaggedHook(hooks.collectionAfterUpdateError, collections),
    onCollectionDelete: (...collections) => new TaggedHook(hooks.collectionDelete, collections),
    onCollectionDeleteExecute: (...collections) => new TaggedHook(hooks.collectionDeleteExecute, collections),
    onCollectionAfterDeleteSuccess: (...collections) => new TaggedHook(hooks.collectionAfterDeleteSuccess, collections),
    onCollectionAfterDeleteError: (...collections) => new TaggedHook(hooks.collectionAfterDeleteError, collections),
    onCollectionsListRequest: () => hooks.collectionsListRequest,
    onCollectionViewRequest: () => hooks.collectionViewRequest,
    onCollectionCreateRequest: () => hooks.collectionCreateRequest,
    onCollectionUpdateRequest: () => hooks.collectionUpdateRequest,
    onCollectionDeleteRequest: () => hooks.collectionDeleteRequest,
    onCollectionsImportRequest: () => hooks.collectionsImportRequest,
    onBatchRequest: () => hooks.batchRequest,
    onSettingsListRequest: () => hooks.settingsListRequest,
    onSettingsUpdateRequest: () => hooks.settingsUpdateRequest,
    onSettingsReload: () => hooks.settingsReload,
    // [/collections]
    // [realtime-files]
    onRealtimeConnectRequest: () => hooks.realtimeConnectRequest,
    onRealtimeSubscribeRequest: () => hooks.realtimeSubscribeRequest,
    onRealtimeMessageSend: () => hooks.realtimeMessageSend,
    onFileDownloadRequest: (...collections: string[]) => new TaggedHook(hooks.fileDownloadRequest, collections),
    onFileTokenRequest: (...collections: string[]) => new TaggedHook(hooks.fileTokenRequest, collections),
    // [/realtime-files]
    onMailerSend: () => hooks.mailerSend,
    onBootstrap: () => hooks.bootstrap,
    onServe: () => hooks.serve,
    onTerminate: () => hooks.terminate,
  };
}
