// PATCH /api/settings: binding a partial JSON body onto the current settings and checking
// the result, with PocketBase's semantics. Binding works like Go decoding JSON onto the
// settings struct: absent keys keep their value (so a body without `smtp.password` keeps
// the stored password), `null` leaves a scalar as it is, arrays replace, unknown keys are
// ignored, and a value of the wrong type refuses the whole body. Validation then reports
// every failing field, nested by section, with PocketBase's codes and messages.
import { isIP } from 'node:net';
import type { Executor } from '../db/types.js';
import type { Clock } from '../lib/clock.js';
import { badRequest, ValidationError, type ErrorData, type FieldError } from './errors/index.js';
import { isEmailFormat } from './collections/fields/email-format.js';
import { isUrlFormat } from './collections/fields/url-format.js';
import { inError, lengthError, matchError, minError, requiredError, validationError } from './collections/validation-errors.js';
import { defaultSettings, type RateLimitRule, type S3Settings, type Settings, type SettingsStore } from './settings.js';

export const SETTINGS_LOAD_ERROR = 'An error occurred while loading the submitted data.';
export const SETTINGS_SAVE_ERROR = 'An error occurred while saving the new settings.';

class BindError extends Error {}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const RULE_SHAPE: RateLimitRule = { label: '', audience: '', duration: 0, maxRequests: 0 };

/** Binds `value` onto a copy of `current`, whose shape (from the defaults) says each key's type. */
function bindValue(shape: unknown, current: unknown, value: unknown, path: string): unknown {
  if (value === null) return Array.isArray(shape) ? [] : current;
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) throw new BindError(path);
    if (path === 'rateLimits.rules') return value.map((item, i) => bindValue(RULE_SHAPE, { ...RULE_SHAPE }, item, `${path}.${i}`));
    return value.map((item, i) => {
      if (item === null) return '';
      if (typeof item !== 'string') throw new BindError(`${path}.${i}`);
      return item;
    });
  }
  if (isPlainObject(shape)) {
    if (!isPlainObject(value)) throw new BindError(path);
    const out: Record<string, unknown> = { ...(current as Record<string, unknown>) };
    for (const [key, v] of Object.entries(value)) {
      if (!Object.prototype.hasOwnProperty.call(shape, key)) continue;
      out[key] = bindValue(shape[key], out[key], v, path === '' ? key : `${path}.${key}`);
    }
    return out;
  }
  if (typeof shape === 'number') {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new BindError(path);
    return value;
  }
  if (typeof value !== typeof shape) throw new BindError(path);
  return value;
}

/** The current settings with the body applied; a malformed body is a 400 with empty data. */
export function bindSettings(current: Settings, body: Record<string, unknown>): Settings {
  const shape = defaultSettings() as unknown as Record<string, unknown>;
  try {
    return bindValue(shape, structuredClone(current), body, '') as Settings;
  } catch (err) {
    if (err instanceof BindError) throw badRequest(SETTINGS_LOAD_ERROR);
    throw err;
  }
}

// --- validation -------------------------------------------------------------------------

type Errors = Record<string, FieldError | ErrorData>;

const DNS_NAME = /^[a-zA-Z0-9_][a-zA-Z0-9_-]{0,62}(?:\.[a-zA-Z0-9_][a-zA-Z0-9_-]{0,62})*[._]?$/;
const HEX_COLOR = /^#?(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
// A tag, a path, a method plus path, `collection:action` or `*:action`.
const RATE_LIMIT_LABEL = /^(?:\w+ \/[\w/-]*|\/[\w/-]*|\w+:\w+|\*:\w+|\w+)$/;
const CRON_MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const CRON_FIELD = /^(?:\*|\d+(?:-\d+)?)(?:\/\d+)?(?:,(?:\*|\d+(?:-\d+)?)(?:\/\d+)?)*$/;

const hostError = () => validationError('validation_is_host', 'must be a valid IP address or DNS name');

function isHost(value: string): boolean {
  return isIP(value) !== 0 || (value.length <= 255 && DNS_NAME.test(value));
}

function isIpOrSubnet(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) return isIP(value) !== 0;
  const version = isIP(value.slice(0, slash));
  const bits = value.slice(slash + 1);
  if (version === 0 || !/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (version === 4 ? 32 : 128);
}

function isCron(value: string): boolean {
  const trimmed = value.trim();
  if (CRON_MACROS.has(trimmed)) return true;
  const parts = trimmed.split(/\s+/);
  return parts.length === 5 && parts.every((p) => CRON_FIELD.test(p));
}

function set(errors: Errors, key: string, error: FieldError | null): void {
  if (error && !errors[key]) errors[key] = error;
}

function nest(errors: Errors, key: string, inner: Errors): void {
  if (Object.keys(inner).length > 0) errors[key] = inner as ErrorData;
}

function requiredText(value: string, when = true): FieldError | null {
  return when && value === '' ? requiredError() : null;
}

function requiredNumber(value: number, when = true): FieldError | null {
  return when && value === 0 ? requiredError() : null;
}

function textLength(value: string, min: number, max: number): FieldError | null {
  const length = Array.from(value).length;
  return value !== '' && (length < min || length > max) ? lengthError(min, max) : null;
}

function validateMeta(meta: Settings['meta']): Errors {
  const e: Errors = {};
  set(e, 'accentColor', meta.accentColor !== '' && Array.from(meta.accentColor).length !== 7 ? lengthError(7, 7) : null);
  set(e, 'accentColor', meta.accentColor !== '' && !HEX_COLOR.test(meta.accentColor) ? validationError('validation_is_hex_color', 'must be a valid hex color code') : null);
  set(e, 'appName', requiredText(meta.appName) ?? textLength(meta.appName, 1, 255));
  set(e, 'appURL', requiredText(meta.appURL) ?? (isUrlFormat(meta.appURL) ? null : validationError('validation_is_url', 'must be a valid URL')));
  set(e, 'senderName', requiredText(meta.senderName) ?? textLength(meta.senderName, 1, 255));
  set(e, 'senderAddress', requiredText(meta.senderAddress) ?? (isEmailFormat(meta.senderAddress) ? null : validationError('validation_is_email', 'must be a valid email address')));
  return e;
}

function validateSmtp(smtp: Settings['smtp']): Errors {
  const e: Errors = {};
  set(e, 'host', requiredText(smtp.host, smtp.enabled) ?? (smtp.host !== '' && !isHost(smtp.host) ? hostError() : null));
  set(e, 'port', requiredNumber(smtp.port, smtp.enabled) ?? (smtp.port < 0 ? minError(0) : null));
  set(e, 'authMethod', smtp.authMethod !== '' && smtp.authMethod !== 'PLAIN' && smtp.authMethod !== 'LOGIN' ? inError() : null);
  set(e, 'localName', smtp.localName !== '' && !isHost(smtp.localName) ? hostError() : null);
  return e;
}

function validateS3(s3: S3Settings): Errors {
  const e: Errors = {};
  set(e, 'endpoint', requiredText(s3.endpoint, s3.enabled) ?? (s3.endpoint !== '' && !isUrlFormat(s3.endpoint) ? validationError('validation_is_url', 'must be a valid URL') : null));
  set(e, 'bucket', requiredText(s3.bucket, s3.enabled));
  set(e, 'region', requiredText(s3.region, s3.enabled));
  set(e, 'accessKey', requiredText(s3.accessKey, s3.enabled));
  set(e, 'secret', requiredText(s3.secret, s3.enabled));
  return e;
}

function validateBackups(backups: Settings['backups']): Errors {
  const e: Errors = {};
  nest(e, 's3', validateS3(backups.s3));
  set(e, 'cron', backups.cron !== '' && !isCron(backups.cron) ? validationError('validation_invalid_cron', 'invalid cron expression') : null);
  set(e, 'cronMaxKeep', requiredNumber(backups.cronMaxKeep, backups.cron !== '') ?? (backups.cronMaxKeep < 1 && backups.cronMaxKeep !== 0 ? minError(1) : null));
  return e;
}

function validateBatch(batch: Settings['batch']): Errors {
  const e: Errors = {};
  set(e, 'maxRequests', requiredNumber(batch.maxRequests, batch.enabled) ?? (batch.maxRequests < 0 ? minError(0) : null));
  set(e, 'timeout', requiredNumber(batch.timeout, batch.enabled) ?? (batch.timeout < 0 ? minError(0) : null));
  set(e, 'maxBodySize', batch.maxBodySize < 0 ? minError(0) : null);
  return e;
}

function validateRule(rule: RateLimitRule): Errors {
  const e: Errors = {};
  set(e, 'label', requiredText(rule.label) ?? (RATE_LIMIT_LABEL.test(rule.label) ? null : matchError()));
  set(e, 'maxRequests', requiredNumber(rule.maxRequests) ?? (rule.maxRequests < 1 ? minError(1) : null));
  set(e, 'duration', requiredNumber(rule.duration) ?? (rule.duration < 1 ? minError(1) : null));
  set(e, 'audience', ['', '@guest', '@auth'].includes(rule.audience) ? null : inError());
  return e;
}

/** Two rules conflict when one's `label@@audience` is a prefix of the other's, as PocketBase checks. */
function conflictingRule(rules: RateLimitRule[]): Errors {
  const seen: string[] = [];
  for (const [i, rule] of rules.entries()) {
    const key = `${rule.label}@@${rule.audience}`;
    if (seen.some((other) => other.startsWith(key) || key.startsWith(other))) {
      return {
        [String(i)]: {
          label: validationError(
            'validation_conflicting_rate_limit_rule',
            'Rate limit rule configuration with label {{.label}} already exists or conflicts with another rule.',
            { label: rule.label },
          ),
        },
      };
    }
    seen.push(key);
  }
  return {};
}

function validateIpList(list: string[]): Errors {
  const e: Errors = {};
  list.forEach((ip, i) => {
    set(e, String(i), requiredText(ip) ?? (isIpOrSubnet(ip) ? null : validationError('validation_invlaid_ip_or_subnet', 'invalid IP or CIDR subnet')));
  });
  return e;
}

function validateRateLimits(limits: Settings['rateLimits']): Errors {
  const e: Errors = {};
  if (limits.enabled && limits.rules.length === 0) {
    set(e, 'rules', requiredError());
  } else {
    const ruleErrors: Errors = {};
    limits.rules.forEach((rule, i) => nest(ruleErrors, String(i), validateRule(rule)));
    nest(e, 'rules', Object.keys(ruleErrors).length > 0 ? ruleErrors : conflictingRule(limits.rules));
  }
  nest(e, 'excludedIPs', validateIpList(limits.excludedIPs));
  return e;
}

/** Every failing field of the settings, nested by section; empty when they are valid. */
export function validateSettings(settings: Settings): ErrorData {
  const e: Errors = {};
  nest(e, 'superuserIPs', validateIpList(settings.superuserIPs));
  nest(e, 'meta', validateMeta(settings.meta));
  const logs: Errors = {};
  set(logs, 'maxDays', settings.logs.maxDays < 0 ? minError(0) : null);
  nest(e, 'logs', logs);
  nest(e, 'smtp', validateSmtp(settings.smtp));
  nest(e, 's3', validateS3(settings.s3));
  nest(e, 'backups', validateBackups(settings.backups));
  nest(e, 'batch', validateBatch(settings.batch));
  nest(e, 'rateLimits', validateRateLimits(settings.rateLimits));
  return e as ErrorData;
}

/**
 * Applies a PATCH body: bind, validate, persist and switch the running app over to the
 * new settings. Returns the saved settings.
 */
export async function patchSettings(
  store: SettingsStore,
  body: Record<string, unknown>,
  deps: { exec: Executor; clock: Clock },
): Promise<Settings> {
  const next = bindSettings(store.get(), body);
  const errors = validateSettings(next);
  if (Object.keys(errors).length > 0) throw new ValidationError(errors, SETTINGS_SAVE_ERROR);
  await store.save(deps.exec, next, deps.clock);
  return store.get();
}
