// Auth collection options: binding them from a request body or from the stored
// `_collections.options` JSON, and writing them back in PocketBase's key order. Secrets
// (token secrets, OAuth2 client secrets) are written only when asked for, i.e. for
// storage, never for API responses.

import type { AuthOptions, EmailTemplate, OAuth2ProviderConfig, TokenConfig } from './model.js';
import {
  forEachKnownKey,
  readBool,
  readInt,
  readNullableString,
  readObject,
  readObjectList,
  readString,
  readStringList,
  type JsonObject,
} from './input-binding.js';

/** Top-level keys of a collection body that belong to auth options. */
export const AUTH_OPTION_KEYS = [
  'authRule',
  'manageRule',
  'authAlert',
  'oauth2',
  'passwordAuth',
  'mfa',
  'otp',
  'authToken',
  'passwordResetToken',
  'emailChangeToken',
  'verificationToken',
  'fileToken',
  'verificationTemplate',
  'resetPasswordTemplate',
  'confirmEmailChangeTemplate',
] as const;

export type TokenOptionName =
  | 'authToken'
  | 'passwordResetToken'
  | 'emailChangeToken'
  | 'verificationToken'
  | 'fileToken';

export const TOKEN_OPTION_NAMES: readonly TokenOptionName[] = [
  'authToken',
  'passwordResetToken',
  'emailChangeToken',
  'verificationToken',
  'fileToken',
];

const emptyTemplate = (): EmailTemplate => ({ subject: '', body: '' });
const emptyToken = (): TokenConfig => ({ secret: '', duration: 0 });

/** Auth options with every value at its zero value (what a stored row with `{}` means). */
export function zeroAuthOptions(): AuthOptions {
  return {
    authRule: null,
    manageRule: null,
    authAlert: { enabled: false, emailTemplate: emptyTemplate() },
    oauth2: { enabled: false, mappedFields: { id: '', name: '', username: '', avatarURL: '' }, providers: [] },
    passwordAuth: { enabled: false, identityFields: [] },
    mfa: { enabled: false, duration: 0, rule: '' },
    otp: { enabled: false, duration: 0, length: 0, emailTemplate: emptyTemplate() },
    authToken: emptyToken(),
    passwordResetToken: emptyToken(),
    emailChangeToken: emptyToken(),
    verificationToken: emptyToken(),
    fileToken: emptyToken(),
    verificationTemplate: emptyTemplate(),
    resetPasswordTemplate: emptyTemplate(),
    confirmEmailChangeTemplate: emptyTemplate(),
  };
}

export function cloneAuthOptions(options: AuthOptions): AuthOptions {
  return structuredClone(options);
}

function bindTemplate(target: EmailTemplate, value: unknown): void {
  const body = readObject(value);
  if (!body) return;
  forEachKnownKey(body, ['subject', 'body'], (key, v) => {
    const s = readString(v);
    if (s === undefined) return;
    if (key === 'subject') target.subject = s;
    else target.body = s;
  });
}

function bindToken(target: TokenConfig, value: unknown): void {
  const body = readObject(value);
  if (!body) return;
  forEachKnownKey(body, ['secret', 'duration'], (key, v) => {
    if (key === 'secret') {
      const s = readString(v);
      if (s !== undefined) target.secret = s;
    } else {
      const n = readInt(v);
      if (n !== undefined) target.duration = n;
    }
  });
}

function emptyProvider(): OAuth2ProviderConfig {
  return {
    pkce: null,
    name: '',
    clientId: '',
    clientSecret: '',
    authURL: '',
    tokenURL: '',
    userInfoURL: '',
    displayName: '',
    extra: null,
  };
}

const PROVIDER_STRING_KEYS = ['name', 'clientId', 'clientSecret', 'authURL', 'tokenURL', 'userInfoURL', 'displayName'] as const;

function bindProvider(target: OAuth2ProviderConfig, body: JsonObject): void {
  forEachKnownKey(body, [...PROVIDER_STRING_KEYS, 'pkce', 'extra'], (key, v) => {
    if (key === 'pkce') {
      if (v === null) target.pkce = null;
      else target.pkce = readBool(v) ?? null;
    } else if (key === 'extra') {
      if (v === null) target.extra = null;
      else target.extra = { ...(target.extra ?? {}), ...readObject(v) };
    } else {
      const s = readString(v);
      if (s !== undefined) target[key as (typeof PROVIDER_STRING_KEYS)[number]] = s;
    }
  });
}

/** Lists of objects merge element by element (so an omitted client secret is kept by position). */
function bindProviders(target: OAuth2ProviderConfig[], value: unknown): OAuth2ProviderConfig[] {
  const items = readObjectList(value);
  return items.map((item, i) => {
    const provider = target[i] ? { ...target[i], extra: target[i].extra ? { ...target[i].extra } : null } : emptyProvider();
    if (item) bindProvider(provider, item);
    return provider;
  });
}

function bindOAuth2(target: AuthOptions['oauth2'], value: unknown): void {
  const body = readObject(value);
  if (!body) return;
  forEachKnownKey(body, ['enabled', 'mappedFields', 'providers'], (key, v) => {
    if (key === 'enabled') {
      const b = readBool(v);
      if (b !== undefined) target.enabled = b;
    } else if (key === 'providers') {
      target.providers = bindProviders(target.providers, v);
    } else {
      const mapped = readObject(v);
      if (!mapped) return;
      forEachKnownKey(mapped, ['id', 'name', 'username', 'avatarURL'], (k, mv) => {
        const s = readString(mv);
        if (s !== undefined) target.mappedFields[k as keyof AuthOptions['oauth2']['mappedFields']] = s;
      });
    }
  });
}

function bindEnabled(target: { enabled: boolean }, key: string, v: unknown): boolean {
  if (key !== 'enabled') return false;
  const b = readBool(v);
  if (b !== undefined) target.enabled = b;
  return true;
}

function bindNumber<T>(target: T, key: keyof T, v: unknown): void {
  const n = readInt(v);
  if (n !== undefined) (target as Record<keyof T, unknown>)[key] = n;
}

function bindOne(options: AuthOptions, name: string, value: unknown): void {
  switch (name) {
    case 'authRule':
    case 'manageRule':
      options[name] = readNullableString(value);
      return;
    case 'authAlert': {
      const body = readObject(value);
      if (!body) return;
      forEachKnownKey(body, ['enabled', 'emailTemplate'], (key, v) => {
        if (!bindEnabled(options.authAlert, key, v)) bindTemplate(options.authAlert.emailTemplate, v);
      });
      return;
    }
    case 'oauth2':
      bindOAuth2(options.oauth2, value);
      return;
    case 'passwordAuth': {
      const body = readObject(value);
      if (!body) return;
      forEachKnownKey(body, ['enabled', 'identityFields'], (key, v) => {
        if (!bindEnabled(options.passwordAuth, key, v)) options.passwordAuth.identityFields = readStringList(v);
      });
      return;
    }
    case 'mfa': {
      const body = readObject(value);
      if (!body) return;
      forEachKnownKey(body, ['enabled', 'duration', 'rule'], (key, v) => {
        if (bindEnabled(options.mfa, key, v)) return;
        if (key === 'duration') bindNumber(options.mfa, 'duration', v);
        else {
          const s = readString(v);
          if (s !== undefined) options.mfa.rule = s;
        }
      });
      return;
    }
    case 'otp': {
      const body = readObject(value);
      if (!body) return;
      forEachKnownKey(body, ['enabled', 'duration', 'length', 'emailTemplate'], (key, v) => {
        if (bindEnabled(options.otp, key, v)) return;
        if (key === 'duration' || key === 'length') bindNumber(options.otp, key, v);
        else bindTemplate(options.otp.emailTemplate, v);
      });
      return;
    }
    case 'authToken':
    case 'passwordResetToken':
    case 'emailChangeToken':
    case 'verificationToken':
    case 'fileToken':
      bindToken(options[name], value);
      return;
    case 'verificationTemplate':
    case 'resetPasswordTemplate':
    case 'confirmEmailChangeTemplate':
      bindTemplate(options[name], value);
      return;
  }
}

/** Merges the auth keys of `body` (top-level, as in the collections API) into `options`. */
export function bindAuthOptions(options: AuthOptions, body: JsonObject): void {
  forEachKnownKey(body, AUTH_OPTION_KEYS, (name, value) => bindOne(options, name, value));
}

// ---------------------------------------------------------------------------------------

export interface SerializeOptions {
  /** Include token and OAuth2 client secrets (storage only). */
  secrets: boolean;
}

function templateJson(t: EmailTemplate): JsonObject {
  return { subject: t.subject, body: t.body };
}

function tokenJson(t: TokenConfig, { secrets }: SerializeOptions): JsonObject {
  return secrets && t.secret ? { secret: t.secret, duration: t.duration } : { duration: t.duration };
}

function providerJson(p: OAuth2ProviderConfig, { secrets }: SerializeOptions): JsonObject {
  const out: JsonObject = { pkce: p.pkce, name: p.name, clientId: p.clientId };
  if (secrets && p.clientSecret) out['clientSecret'] = p.clientSecret;
  out['authURL'] = p.authURL;
  out['tokenURL'] = p.tokenURL;
  out['userInfoURL'] = p.userInfoURL;
  out['displayName'] = p.displayName;
  out['extra'] = p.extra;
  return out;
}

/** The options as PocketBase writes them, in its key order. */
export function authOptionsToJson(o: AuthOptions, opts: SerializeOptions): JsonObject {
  return {
    authRule: o.authRule,
    manageRule: o.manageRule,
    authAlert: { enabled: o.authAlert.enabled, emailTemplate: templateJson(o.authAlert.emailTemplate) },
    oauth2: {
      providers: o.oauth2.providers.map((p) => providerJson(p, opts)),
      mappedFields: { ...o.oauth2.mappedFields },
      enabled: o.oauth2.enabled,
    },
    passwordAuth: { enabled: o.passwordAuth.enabled, identityFields: [...o.passwordAuth.identityFields] },
    mfa: { enabled: o.mfa.enabled, duration: o.mfa.duration, rule: o.mfa.rule },
    otp: {
      enabled: o.otp.enabled,
      duration: o.otp.duration,
      length: o.otp.length,
      emailTemplate: templateJson(o.otp.emailTemplate),
    },
    authToken: tokenJson(o.authToken, opts),
    passwordResetToken: tokenJson(o.passwordResetToken, opts),
    emailChangeToken: tokenJson(o.emailChangeToken, opts),
    verificationToken: tokenJson(o.verificationToken, opts),
    fileToken: tokenJson(o.fileToken, opts),
    verificationTemplate: templateJson(o.verificationTemplate),
    resetPasswordTemplate: templateJson(o.resetPasswordTemplate),
    confirmEmailChangeTemplate: templateJson(o.confirmEmailChangeTemplate),
  };
}
