// `auth-with-oauth2`: validate the form, trade the code for the provider's user, find or
// create the account in one transaction, then finish the login like every other method.
import type { Database } from '../../../db/types.js';
import type { Clock } from '../../../lib/clock.js';
import type { Collection } from '../../collections/model.js';
import { AppError, badRequest, fieldError, forbidden, ValidationError, type ErrorData } from '../../errors/index.js';
import { formatDateTime } from '../../../lib/dates.js';
import type { RecordService } from '../../records/service.js';
import type { RequestInfo } from '../../rules/request-info.js';
import type { AuthResponse, AuthService } from '../auth-service.js';
import { listOAuth2Methods, type OAuth2Methods } from './auth-methods.js';
import { findAccount, linkAccount, type LinkResult } from './link-account.js';
import type { RecordModel } from '../../records/record.js';
import { AppleNameStore, OAuth2Redirects } from './redirect.js';
import { builtInProviders, type ProviderListItem, type ProviderRegistry } from './registry.js';
import type { AuthUser, OAuth2Provider, ProviderTokens } from './types.js';

export interface OAuth2ServiceDeps {
  db: Database;
  records: RecordService;
  auth: AuthService;
  clock: Clock;
  providers?: ProviderRegistry;
  /** Where provider failures are reported (their details never reach the client). */
  logger?: { warn(details: object, message: string): void };
}

/** A valid auth-with-oauth2 form and the provider's user it earned. */
export interface OAuth2Login {
  collection: Collection;
  form: OAuth2Form;
  user: AuthUser;
}

export interface OAuth2Form {
  provider: string;
  code: string;
  codeVerifier: string;
  redirectURL: string;
  createData: Record<string, unknown>;
  mfaId: string;
}

const LOAD_FAILED = 'An error occurred while loading the submitted data.';

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function readForm(body: Record<string, unknown>): OAuth2Form {
  const createData = body.createData;
  if (createData !== undefined && createData !== null && (typeof createData !== 'object' || Array.isArray(createData))) {
    throw badRequest(LOAD_FAILED);
  }
  return {
    provider: text(body.provider),
    code: text(body.code),
    codeVerifier: text(body.codeVerifier),
    // `redirectUrl` is the spelling of clients older than PocketBase 0.23.
    redirectURL: text(body.redirectURL) || text(body.redirectUrl),
    createData: (createData as Record<string, unknown> | null | undefined) ?? {},
    mfaId: text(body.mfaId),
  };
}

/** PocketBase's `meta`: the provider's user (field order as PocketBase sends it) and `isNew`. */
export function loginMeta(user: AuthUser, isNew: boolean): Record<string, unknown> {
  return {
    expiry: user.expiry ? formatDateTime(user.expiry) : '',
    rawUser: user.rawUser,
    id: user.id,
    name: user.name,
    username: user.username,
    avatarURL: user.avatarURL,
    accessToken: user.accessToken,
    refreshToken: user.refreshToken,
    email: user.email,
    avatarUrl: user.avatarURL,
    isNew,
  };
}

export class OAuth2Service {
  readonly providers: ProviderRegistry;
  readonly redirects: OAuth2Redirects;
  private readonly appleNames = new AppleNameStore();

  constructor(private readonly deps: OAuth2ServiceDeps) {
    this.providers = deps.providers ?? builtInProviders;
    this.redirects = new OAuth2Redirects(this.appleNames, () => deps.clock.now().getTime());
  }

  /** The supported providers, for `GET /api/collections/meta/oauth2-providers`. */
  providerList(): ProviderListItem[] {
    return this.providers.list();
  }

  methods(collection: Collection): Promise<OAuth2Methods> {
    return listOAuth2Methods(collection, this.providers, { clock: this.deps.clock });
  }

  /** The auth collection, when OAuth2 is enabled on it (checked before the body is read). */
  enabledCollection(ref: string): Collection {
    const collection = this.deps.auth.authCollection(ref);
    if (!collection.auth?.oauth2.enabled) {
      throw forbidden('The collection is not configured to allow OAuth2 authentication.');
    }
    return collection;
  }

  async authenticate(ref: string, body: Record<string, unknown>, request: RequestInfo, expand: string | null): Promise<AuthResponse> {
    const login = await this.prepare(ref, body);
    const oauth2Request: RequestInfo = { ...request, context: 'oauth2' };
    const { record, isNew } = await this.link(login, { request: oauth2Request, createData: login.form.createData });
    return this.deps.auth.finishLogin(record, {
      method: 'oauth2',
      request: oauth2Request,
      expand,
      mfaId: login.form.mfaId,
      meta: loginMeta(login.user, isNew),
    });
  }

  /** Validates the form and trades the code for the provider's user. */
  async prepare(ref: string, body: Record<string, unknown>): Promise<OAuth2Login> {
    const collection = this.enabledCollection(ref);
    const form = readForm(body);
    const provider = this.providerFor(collection, form);
    return { collection, form, user: await this.fetchUser(provider, form) };
  }

  /** The account this login would use, looked up without writing (null: a new one). */
  async existingAccount(login: OAuth2Login, request: RequestInfo): Promise<RecordModel | null> {
    const { collection, form, user } = login;
    return (await findAccount(this.deps.db, { collection, provider: form.provider, user, request })).record;
  }

  /** Finds, links or creates the account, in one transaction. */
  link(login: OAuth2Login, input: { request: RequestInfo; createData: Record<string, unknown> }): Promise<LinkResult> {
    const { collection, form, user } = login;
    return this.deps.records.transaction((tx) =>
      linkAccount(
        tx,
        { collection, provider: form.provider, user, createData: input.createData, request: { ...input.request, context: 'oauth2' } },
        { records: this.deps.records, clock: this.deps.clock },
      ),
    );
  }

  private providerFor(collection: Collection, form: OAuth2Form): OAuth2Provider {
    const errors: ErrorData = {};
    const config = collection.auth?.oauth2.providers.find((p) => p.name === form.provider);
    const provider = config ? this.providers.create(config, { clock: this.deps.clock }) : null;
    if (form.provider === '') errors.provider = fieldError('validation_required', 'Cannot be blank.');
    else if (form.provider.length > 100) errors.provider = fieldError('validation_length_out_of_range', 'The length must be between 0 and 100.');
    else if (!provider) {
      errors.provider = fieldError('validation_invalid_provider', `Provider with name ${form.provider} is missing or is not enabled.`, {
        name: form.provider,
      });
    }
    if (form.code === '') errors.code = fieldError('validation_required', 'Cannot be blank.');
    if (Object.keys(errors).length > 0 || !provider) throw new ValidationError(errors, LOAD_FAILED);
    return provider;
  }

  private async fetchUser(provider: OAuth2Provider, form: OAuth2Form): Promise<AuthUser> {
    let tokens: ProviderTokens;
    try {
      tokens = await provider.exchangeCode({ code: form.code, codeVerifier: form.codeVerifier, redirectURL: form.redirectURL });
    } catch (err) {
      throw this.providerFailure(form.provider, 'Failed to fetch OAuth2 token.', err);
    }
    let user: AuthUser;
    try {
      user = await provider.fetchAuthUser(tokens);
    } catch (err) {
      throw this.providerFailure(form.provider, 'Failed to fetch OAuth2 user.', err);
    }
    // Without an id every account of the provider would be the same link.
    if (user.id === '') throw badRequest('Failed to fetch OAuth2 user.');
    if (form.provider === 'apple' && user.name === '') user.name = this.appleNames.take(form.code, this.deps.clock.now().getTime());
    return user;
  }

  private providerFailure(provider: string, message: string, err: unknown): AppError {
    const reasons: string[] = [];
    for (let e: unknown = err; e instanceof Error && reasons.length < 4; e = e.cause) reasons.push(e.message);
    this.deps.logger?.warn({ provider, reason: reasons.join(': ') }, message);
    return new AppError('bad_request', message, {}, { cause: err });
  }
}
