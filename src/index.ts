// The package's public surface (`import … from 'plinth'`): library mode, and the types and
// helpers hook files, routes and migrations use.
export { createPlinth, type Plinth, type PlinthOptions } from './app/plinth.js';
export type { PlinthApi, PlinthJobs, ExtensionJobContext } from './app/plinth-api.js';
export { OutboundRefusedError, OutboundTimeoutError, type OutboundRequest, type OutboundResponse } from './lib/outbound/index.js';
export { RetryLaterError, GiveUpError, type EnqueueOptions, type JobOptions, type JobContext } from './core/jobs/index.js';
export {
  AppEvent,
  BaseEvent,
  BatchRequestEvent,
  CollectionErrorEvent,
  CollectionEvent,
  CollectionRequestEvent,
  CollectionsImportRequestEvent,
  CollectionsListRequestEvent,
  SettingsListRequestEvent,
  SettingsReloadEvent,
  SettingsUpdateRequestEvent,
  FileDownloadRequestEvent,
  FileTokenRequestEvent,
  HookRealtimeClient,
  RealtimeConnectRequestEvent,
  RealtimeMessageEvent,
  RealtimeSubscribeRequestEvent,
  RecordAuthRefreshRequestEvent,
  RecordAuthRequestEvent,
  RecordAuthWithOAuth2RequestEvent,
  RecordAuthWithOTPRequestEvent,
  RecordAuthWithPasswordRequestEvent,
  RecordConfirmEmailChangeRequestEvent,
  RecordConfirmPasswordResetRequestEvent,
  RecordConfirmVerificationRequestEvent,
  RecordEmailFlowRequestEvent,
  RecordRequestEmailChangeRequestEvent,
  RecordRequestOTPRequestEvent,
  RecordRequestPasswordResetRequestEvent,
  RecordRequestVerificationRequestEvent,
  type AuthMethod,
  HookApp,
  HookRecord,
  MailerEvent,
  RecordErrorEvent,
  RecordEvent,
  RecordRequestEvent,
  RecordsListRequestEvent,
  RequestEvent,
  ServeEvent,
  type FilterParams,
  type FindOptions,
  type HookBinder,
  type HookFunc,
  type HookHandler,
  type Reply,
} from './core/hooks/index.js';
export { RouteEvent, requireAuth, requireGuestOnly, requireSuperuserAuth, type Middleware, type RouteHandler } from './http/route-event.js';
export {
  ApiError,
  BadRequestError,
  ForbiddenError,
  InternalServerError,
  NotFoundError,
  TooManyRequestsError,
  UnauthorizedError,
} from './core/errors/index.js';
export type { CollectionJson, MigrationCollections, MigrationContext } from './core/migrations/index.js';
export type { Collection, Field } from './core/collections/model.js';
export type { MailMessage } from './core/mail/types.js';
export type { Config } from './config/index.js';
