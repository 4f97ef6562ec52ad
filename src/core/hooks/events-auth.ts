// The events of the auth API's requests (logins, refresh, one-time codes, OAuth2 and the
// email flows). Each belongs to the auth collection asked about, so handlers bound with
// collection names only hear that collection's requests.
import type { Collection } from '../collections/model.js';
import type { AuthUser } from '../auth/oauth2/types.js';
import type { RequestInfo } from '../rules/request-info.js';
import { RequestEvent } from './events.js';
import type { HookApp } from './hook-app.js';
import type { HookRecord } from './hook-record.js';
import type { TaggedEvent } from './hook.js';

/** How an auth response was earned. */
export type AuthMethod = 'password' | 'otp' | 'oauth2' | 'refresh' | 'impersonate';

abstract class AuthCollectionRequestEvent extends RequestEvent implements TaggedEvent {
  constructor(app: HookApp, info: RequestInfo, readonly collection: Collection) {
    super(app, info);
  }

  tags(): readonly string[] {
    return [this.collection.id, this.collection.name];
  }
}

/**
 * Every successful auth answer, after the checks (MFA, the collection's auth rule) passed.
 * `next()` sends `{token, record, meta?}`; a handler may first replace `token` or `meta`
 * (null: no `meta` in the answer), or answer itself.
 */
export class RecordAuthRequestEvent extends AuthCollectionRequestEvent {
  constructor(app: HookApp, info: RequestInfo, data: { record: HookRecord; token: string; meta: unknown; authMethod: AuthMethod }) {
    super(app, info, data.record.collection);
    this.record = data.record;
    this.token = data.token;
    this.meta = data.meta;
    this.authMethod = data.authMethod;
  }

  readonly record: HookRecord;
  token: string;
  meta: unknown;
  readonly authMethod: AuthMethod;
}

/**
 * auth-with-password, once the form is valid and the account looked up (`record` is null
 * when no account matches). `next()` checks `password` against `record` and logs in.
 */
export class RecordAuthWithPasswordRequestEvent extends AuthCollectionRequestEvent {
  constructor(
    app: HookApp,
    info: RequestInfo,
    data: { collection: Collection; record: HookRecord | null; identity: string; identityField: string; password: string },
  ) {
    super(app, info, data.collection);
    this.record = data.record;
    this.identity = data.identity;
    this.identityField = data.identityField;
    this.password = data.password;
  }

  record: HookRecord | null;
  readonly identity: string;
  readonly identityField: string;
  password: string;
}

/** auth-with-otp, once the code is proven right and used up. `next()` logs the account in. */
export class RecordAuthWithOTPRequestEvent extends AuthCollectionRequestEvent {
  constructor(app: HookApp, info: RequestInfo, data: { record: HookRecord; otpId: string }) {
    super(app, info, data.record.collection);
    this.record = data.record;
    this.otpId = data.otpId;
  }

  readonly record: HookRecord;
  readonly otpId: string;
}

/**
 * request-otp, for every valid form: `record` is null when no account has the email (the
 * answer must then look the same, so `next()` hands out a decoy id).
 */
export class RecordRequestOTPRequestEvent extends AuthCollectionRequestEvent {
  constructor(app: HookApp, info: RequestInfo, data: { collection: Collection; record: HookRecord | null; email: string }) {
    super(app, info, data.collection);
    this.record = data.record;
    this.email = data.email;
  }

  readonly record: HookRecord | null;
  readonly email: string;
}

/**
 * auth-with-oauth2, once the provider has named its user. Before `next()`, `record` is the
 * account this login would use (null: a new one would be created from `createData`); after
 * it, the account linked or created, and `isNewRecord` says which.
 */
export class RecordAuthWithOAuth2RequestEvent extends AuthCollectionRequestEvent {
  constructor(
    app: HookApp,
    info: RequestInfo,
    data: { collection: Collection; providerName: string; record: HookRecord | null; oauth2User: AuthUser; createData: Record<string, unknown> },
  ) {
    super(app, info, data.collection);
    this.providerName = data.providerName;
    this.record = data.record;
    this.isNewRecord = data.record === null;
    this.oauth2User = data.oauth2User;
    this.createData = data.createData;
  }

  readonly providerName: string;
  record: HookRecord | null;
  isNewRecord: boolean;
  readonly oauth2User: AuthUser;
  createData: Record<string, unknown>;
}

/** auth-refresh, for the account of a valid token. `next()` answers with a new (or the same) token. */
export class RecordAuthRefreshRequestEvent extends AuthCollectionRequestEvent {
  constructor(app: HookApp, info: RequestInfo, readonly record: HookRecord) {
    super(app, info, record.collection);
  }
}

/** One email-flow step about an existing account; `next()` does the step (sends the mail, saves the change). */
export class RecordEmailFlowRequestEvent extends AuthCollectionRequestEvent {
  constructor(app: HookApp, info: RequestInfo, readonly record: HookRecord) {
    super(app, info, record.collection);
  }
}

/** request-verification; runs in the background, only for an unverified account (the answer is 204 regardless). */
export class RecordRequestVerificationRequestEvent extends RecordEmailFlowRequestEvent {}

/** confirm-verification, once the token is proven; `next()` marks the account verified. */
export class RecordConfirmVerificationRequestEvent extends RecordEmailFlowRequestEvent {}

/** request-password-reset; runs in the background, only for an existing account (the answer is 204 regardless). */
export class RecordRequestPasswordResetRequestEvent extends RecordEmailFlowRequestEvent {}

/** confirm-password-reset, once token and passwords are valid; `next()` saves the new password. */
export class RecordConfirmPasswordResetRequestEvent extends RecordEmailFlowRequestEvent {}

/** request-email-change by the logged-in account; `next()` mails the confirmation link to `newEmail`. */
export class RecordRequestEmailChangeRequestEvent extends RecordEmailFlowRequestEvent {
  constructor(app: HookApp, info: RequestInfo, data: { record: HookRecord; newEmail: string }) {
    super(app, info, data.record);
    this.newEmail = data.newEmail;
  }

  readonly newEmail: string;
}

/** confirm-email-change, once token and password are valid; `next()` saves `newEmail`. */
export class RecordConfirmEmailChangeRequestEvent extends RecordEmailFlowRequestEvent {
  constructor(app: HookApp, info: RequestInfo, data: { record: HookRecord; newEmail: string }) {
    super(app, info, data.record);
    this.newEmail = data.newEmail;
  }

  readonly newEmail: string;
}
