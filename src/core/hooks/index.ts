// The extension API's core: the hook bus, its catalog and events, and what handlers get.
export { Hook, TaggedHook, type HookEvent, type HookFunc, type HookHandler, type TaggedEvent } from './hook.js';
export { Hooks, hookRegistrations, type HookBinder, type HookRegistrations } from './catalog.js';
export * from './events.js';
export * from './events-collections.js';
export { collectionWriteHooks, settingsReloadListener } from './collection-bridge.js';
export { CollectionRequests } from './collection-requests.js';
export * from './events-realtime-files.js';
export * from './events-auth.js';
export { AuthRequests, authFlowHooks, type AuthCall, type AuthFlowHooks, type AuthRequestsDeps } from './auth-requests.js';
export { AppEvent, MailerEvent, ServeEvent } from './app-events.js';
export { HookApp, type FindOptions, type HookAppDeps } from './hook-app.js';
export { HookRecord } from './hook-record.js';
export { bindFilterParams, type FilterParams } from './filter-params.js';
export { RecordRequests, type WriteOptions } from './record-requests.js';
export { recordWriteHooks } from './write-bridge.js';
