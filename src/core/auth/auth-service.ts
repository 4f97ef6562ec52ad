// Password login, token refresh and the auth-methods listing for auth collections
// (including `_superusers`). Failures never say whether the account exists.
import type { Logger } from 'pino';
import type { Database } from '../../db/types.js';
import type { Clock } from '../../lib/clock.js';
import type { Collection } from '../collections/model.js';
import { verifyAgainstNothing, verifyPassword } from '../collections/fields/index.js';
import { goToString } from '../collections/fields/go-cast.js';
import { findSingleColumnUniqueIndex } from '../collections/index-definition.js';
import { badRequest, fieldError, forbidden, notFound, unauthorized, ValidationError, type ErrorData } from '../errors/index.js';
import type { AccessCompiler } from '../rules/access.js';
import type { RequestInfo } from '../rules/request-info.js';
import type { CollectionRegistry, RecordService } from '../records/service.js';
import type { RecordModel } from '../records/record.js';
import { decodeRow, isStorableId, selectColumns } from '../records/repository.js';
import { exportRecord } from '../records/export.js';
import { expandRecords } from '../records/expand.js';
import type { AuthMailer } from '../mail/types.js';
import type { AuthState } from './auth-state.js';
import { trackLoginOrigin } from './auth-origins.js';
import { SUPERUSERS_COLLECTION } from './auth-state.js';
import { authenticate, tokenFromHeader, tokenSecret } from './authenticate.js';
import { readUnverifiedClaims, signToken } from './tokens.js';
import { enforceMfa } from './mfa.js';
import { builtInProviders, listOAuth2Methods } from './oauth2/index.js';

export interface AuthServiceDeps {
  db: Database;
  collections: CollectionRegistry;
  records: RecordService;
  access: AccessCompiler;
  clock: Clock;
  mail: AuthMailer;
  logger: Logger;
}

export interface AuthResponse {
  token: string;
  record: Record<string, unknown>;
  meta?: unknown;
}

/** One successful first factor, on its way to becoming a session. */
export interface LoginAttempt {
  method: 'password' | 'otp' | 'oauth2';
  request: RequestInfo;
  expand: string | null;
  /** The id of a pending multi-factor session the client continues, if any. */
  mfaId: string;
  /** Extra data for the response (OAuth2 answers with the provider's user). */
  meta?: unknown;
}

/** A valid password-login form and the account it names (null: none). */
export interface PasswordAttempt {
  collection: Collection;
  identity: string;
  identityField: string;
  password: string;
  mfaId: string;
  record: RecordModel | null;
}

function readMfaId(body: Record<string, unknown>): string {
  return typeof body.mfaId === 'string' ? body.mfaId : '';
}

const EMAIL_FORMAT = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export class AuthService {
  constructor(private readonly deps: AuthServiceDeps) {}

  authenticate(header: string): Promise<AuthState> {
    return authenticate(
      { exec: this.deps.db, clock: this.deps.clock, collectionById: (id) => this.deps.collections.byId(id) },
      header,
    );
  }

  authCollection(ref: string): Collection {
    const collection = this.deps.collections.byNameOrId(ref);
    if (!collection || collection.type !== 'auth' || !collection.auth) {
      throw notFound('Missing or invalid auth collection context.');
    }
    return collection;
  }

  async authWithPassword(ref: string, body: Record<string, unknown>, request: RequestInfo, expand: string | null): Promise<AuthResponse> {
    const attempt = await this.passwordAttempt(ref, body);
    const record = await this.checkPassword(attempt.record, attempt.password);
    return this.finishLogin(record, { method: 'password', request, expand, mfaId: attempt.mfaId });
  }

  /** Validates a password-login form and looks up its account; the password is not checked yet. */
  async passwordAttempt(ref: string, body: Record<string, unknown>): Promise<PasswordAttempt> {
    const collection = this.authCollection(ref);
    const auth = collection.auth!;
    if (!auth.passwordAuth.enabled) {
      throw forbidden('The collection is not configured to allow password authentication.');
    }
    // PocketBase's loose text cast: numbers become text, objects and arrays read as empty.
    const identity = goToString(body.identity);
    const password = goToString(body.password);
    const identityField = typeof body.identityField === 'string' ? body.identityField : '';
    const errors: ErrorData = {};
    if (identity === '') errors.identity = fieldError('validation_required', 'Cannot be blank.');
    else if (identity.length > 255) errors.identity = fieldError('validation_length_out_of_range', 'The length must be between 1 and 255.');
    if (password === '') errors.password = fieldError('validation_required', 'Cannot be blank.');
    else if (password.length > 255) errors.password = fieldError('validation_length_out_of_range', 'The length must be between 1 and 255.');
    if (identityField !== '' && !auth.passwordAuth.identityFields.includes(identityField)) {
      errors.identityField = fieldError('validation_in_invalid', 'Must be a valid value.');
    }
    if (Object.keys(errors).length > 0) throw new ValidationError(errors, 'An error occurred while validating the submitted data.');

    let record: RecordModel | null = null;
    const fields = identityField ? [identityField] : emailFirst(auth.passwordAuth.identityFields);
    // A NUL matches no stored value (and PostgreSQL refuses to compare one): no account.
    const lookups = isStorableId(identity) ? fields : [];
    for (const name of lookups) {
      if (!identityField && name === 'email' && !EMAIL_FORMAT.test(identity)) continue;
      record = await this.findByIdentity(collection, name, identity);
      if (record) break;
    }
    return { collection, identity, identityField, password, mfaId: readMfaId(body), record };
  }

  /** The account, when `password` is its password; the same failure (and cost) when there is none. */
  async checkPassword(record: RecordModel | null, password: string): Promise<RecordModel> {
    // With no account, a dummy check costs what a real one does.
    const ok = record ? await verifyPassword(String(record.values.password ?? ''), password) : await verifyAgainstNothing(password);
    if (!record || !ok) throw badRequest('Failed to authenticate.');
    return record;
  }

  /**
   * The last step of every login method (password, OTP, OAuth2): the one place where
   * multi-factor checks, auth origins and login alerts join in before the token is issued.
   */
  async finishLogin(record: RecordModel, login: LoginAttempt): Promise<AuthResponse> {
    await this.admit(record, login);
    return this.completeLogin(record, login, await this.newAuthToken(record));
  }

  /** The checks between a proven first factor and a token: multi-factor, then the auth rule. */
  async admit(record: RecordModel, login: LoginAttempt): Promise<void> {
    await enforceMfa({ ...this.deps, auth: this }, record, login);
    await this.checkAuthRule(record, { ...login.request, context: login.method });
  }

  /** The answer of an admitted login with its token; notes the login origin. */
  async completeLogin(record: RecordModel, login: LoginAttempt, token: string): Promise<AuthResponse> {
    const response = await this.present(record, { ...login.request, context: login.method }, { expand: login.expand, token });
    await this.noteLoginOrigin(record, login.request);
    return login.meta === undefined ? response : { ...response, meta: login.meta };
  }

  /** Remembers the device and alerts on a new one, when the collection asks for it; never fails a login. */
  private async noteLoginOrigin(record: RecordModel, request: RequestInfo): Promise<void> {
    if (!record.collection.auth?.authAlert.enabled) return;
    const client = { ip: request.ip ?? '', userAgent: request.headers.user_agent ?? '' };
    try {
      await trackLoginOrigin({ exec: this.deps.db, clock: this.deps.clock, mail: this.deps.mail }, record, client);
    } catch (err) {
      this.deps.logger.warn({ err, collection: record.collection.name, recordId: record.values.id }, 'could not record the login origin');
    }
  }

  private async findByIdentity(collection: Collection, field: string, value: string): Promise<RecordModel | null> {
    if (!collection.fields.some((f) => f.name === field)) return null;
    const index = findSingleColumnUniqueIndex(collection.indexes, field);
    if (!index && field !== 'id') return null;
    const exec = this.deps.db;
    const q = exec.dialect.quoteIdent;
    const table = q(collection.name);
    const noCase = index?.columns[0]?.collate.toLowerCase() === 'nocase';
    const condition = noCase ? `LOWER(${table}.${q(field)}) = LOWER(?)` : `${table}.${q(field)} = ?`;
    const row = await exec.get(`SELECT ${selectColumns(exec, collection, collection.name)} FROM ${table} WHERE ${condition} LIMIT 1`, [value]);
    return row ? decodeRow(collection, row) : null;
  }

  /** auth-refresh: a fresh token for a refreshable one, otherwise the same token back. */
  async refresh(ref: string, request: RequestInfo, authHeader: string, expand: string | null): Promise<AuthResponse> {
    const record = this.refreshTarget(ref, request);
    return this.respond(record, request, expand, await this.refreshedToken(record, authHeader));
  }

  /** The account asking for a refresh, when it belongs to the collection asked about. */
  refreshTarget(ref: string, request: RequestInfo): RecordModel {
    const collection = this.deps.collections.byNameOrId(ref);
    if (!request.auth) throw unauthorized('The request requires valid record authorization token.');
    if (!collection || request.auth.collection.id !== collection.id) {
      throw forbidden(`The request requires auth record from ${request.auth.collection.name} collection.`);
    }
    return request.auth;
  }

  /** A fresh token for a refreshable one, otherwise the same token back. */
  async refreshedToken(record: RecordModel, authHeader: string): Promise<string> {
    const token = tokenFromHeader(authHeader);
    return readUnverifiedClaims(token)?.refreshable === true ? this.newAuthToken(record) : token;
  }

  async newAuthToken(record: RecordModel, options: { durationSeconds?: number; refreshable?: boolean } = {}): Promise<string> {
    const collection = record.collection;
    const key = String(record.values.tokenKey ?? '') + tokenSecret(collection, 'auth');
    return signToken(
      { type: 'auth', id: String(record.values.id), collectionId: collection.id, refreshable: options.refreshable ?? true },
      key,
      { durationSeconds: options.durationSeconds ?? collection.auth?.authToken.duration ?? 1209600, clock: this.deps.clock },
    );
  }

  /** The `{token, record}` answer, after the collection's authRule agrees. */
  async respond(record: RecordModel, request: RequestInfo, expand: string | null, token?: string): Promise<AuthResponse> {
    await this.checkAuthRule(record, request);
    return this.present(record, request, { expand, token });
  }

  async checkAuthRule(record: RecordModel, request: RequestInfo): Promise<void> {
    if (!(await this.canAccess(record, request, record.collection.auth?.authRule ?? ''))) {
      throw forbidden("The request doesn't satisfy the collection requirements to authenticate.");
    }
  }

  /** The `{token, record}` answer (the record expanded and exported as its owner sees it). */
  async present(record: RecordModel, request: RequestInfo, options: { expand: string | null; token?: string }): Promise<AuthResponse> {
    const { collection } = record;
    const { expand, token } = options;
    const viewerRequest: RequestInfo = { ...request, auth: record, isSuperuser: collection.name === SUPERUSERS_COLLECTION };
    if (expand) {
      await expandRecords(this.deps.db, [record], expand, {
        collections: this.deps.collections,
        request: viewerRequest,
        access: this.deps.access,
        visibility: (recs) => this.deps.records.emailVisibleIds(this.deps.db, recs, viewerRequest),
      });
    }
    const exported = exportRecord(record, { showHidden: viewerRequest.isSuperuser, showEmail: true });
    return { token: token ?? (await this.newAuthToken(record)), record: exported };
  }

  /** Whether `rule` lets this request see `record` (null: superusers only; '': everyone). */
  async canAccess(record: RecordModel, request: RequestInfo, rule: string | null): Promise<boolean> {
    if (request.isSuperuser) return true;
    if (rule === null) return false;
    if (rule === '') return true;
    const found = await this.deps.records.findWithRule(this.deps.db, { collection: record.collection, id: String(record.values.id) }, { request, rule });
    return found !== null;
  }

  async methods(ref: string): Promise<Record<string, unknown>> {
    const collection = this.authCollection(ref);
    const auth = collection.auth!;
    const password = {
      identityFields: auth.passwordAuth.enabled ? auth.passwordAuth.identityFields : [],
      enabled: auth.passwordAuth.enabled,
    };
    const oauth2 = await listOAuth2Methods(collection, builtInProviders, { clock: this.deps.clock });
    return {
      password,
      oauth2: oauth2.oauth2,
      mfa: { enabled: auth.mfa.enabled, duration: auth.mfa.enabled ? auth.mfa.duration : 0 },
      otp: { enabled: auth.otp.enabled, duration: auth.otp.enabled ? auth.otp.duration : 0 },
      authProviders: oauth2.authProviders,
      usernamePassword: password.enabled && password.identityFields.includes('username'),
      emailPassword: password.enabled && password.identityFields.includes('email'),
    };
  }
}

function emailFirst(fields: string[]): string[] {
  return [...fields].sort((a, b) => (a === 'email' ? -1 : b === 'email' ? 1 : 0));
}
