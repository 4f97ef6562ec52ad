// Validation of auth collection options, with PocketBase's codes, messages and nesting
// (e.g. `{ "otp": { "duration": {...} } }`). Rules (authRule, manageRule, mfa.rule) are
// checked through the caller's rule hook.

import type { ErrorData, FieldError } from '../errors/index.js';
import { findFieldByName } from './field-list.js';
import { findSingleColumnUniqueIndex } from './index-definition.js';
import type { AuthOptions, Collection, EmailTemplate, OAuth2ProviderConfig, TokenConfig } from './model.js';
import { TOKEN_OPTION_NAMES } from './auth-options.js';
import {
  checkLength,
  maxError,
  minError,
  nilOrNotEmptyError,
  requiredError,
  urlError,
  validationError,
} from './validation-errors.js';

/** Checks one rule; the collection validator supplies it (with system-rule protection). */
export type RuleChecker = (
  name: 'authRule' | 'manageRule' | 'mfa.rule',
  rule: string | null,
  previous: string | null | undefined,
) => FieldError | null;

export interface AuthValidationContext {
  original: Collection | null;
  checkRule: RuleChecker;
  /** Names of the OAuth2 providers this server knows; when absent provider names are not checked. */
  oauth2Providers?: ReadonlySet<string>;
}

type Errors = Record<string, FieldError | ErrorData>;

function done(errors: Errors): ErrorData | null {
  return Object.keys(errors).length > 0 ? errors : null;
}

function templateErrors(t: EmailTemplate): ErrorData | null {
  const errors: Errors = {};
  if (t.subject === '') errors['subject'] = requiredError();
  if (t.body === '') errors['body'] = requiredError();
  return done(errors);
}

/** A template that must be set: an empty one is "blank", a half-filled one gets per-key errors. */
function requiredTemplateError(t: EmailTemplate): FieldError | ErrorData | null {
  if (t.subject === '' && t.body === '') return requiredError();
  return templateErrors(t);
}

function rangeError(value: number, min: number, max: number): FieldError | null {
  if (value === 0) return requiredError();
  if (value < min) return minError(min);
  if (value > max) return maxError(max);
  return null;
}

function tokenErrors(t: TokenConfig): ErrorData | null {
  const errors: Errors = {};
  const secret = t.secret ?? '';
  const secretError = secret === '' ? requiredError() : checkLength(secret, 30, 255);
  if (secretError) errors['secret'] = secretError;
  const durationError = rangeError(t.duration, 10, 94670856);
  if (durationError) errors['duration'] = durationError;
  return done(errors);
}

function isUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.host !== '' || url.protocol === 'file:';
  } catch {
    return false;
  }
}

function providerErrors(p: OAuth2ProviderConfig, known: ReadonlySet<string> | undefined): ErrorData | null {
  const errors: Errors = {};
  if (p.name === '') errors['name'] = requiredError();
  else if (known && !known.has(p.name)) {
    errors['name'] = validationError('validation_missing_provider', 'Invalid or missing provider with name {{.name}}.', {
      name: p.name,
    });
  }
  if (p.clientId === '') errors['clientId'] = requiredError();
  if (p.clientSecret === '') errors['clientSecret'] = requiredError();
  for (const key of ['authURL', 'tokenURL', 'userInfoURL'] as const) {
    if (p[key] !== '' && !isUrl(p[key])) errors[key] = urlError();
  }
  return done(errors);
}

function oauth2Errors(o: AuthOptions['oauth2'], known: ReadonlySet<string> | undefined): ErrorData | null {
  if (!o.enabled) return null;
  const seen = new Set<string>();
  for (const [i, p] of o.providers.entries()) {
    if (p.name === '') continue;
    if (seen.has(p.name)) {
      return {
        providers: {
          [String(i)]: {
            name: validationError('validation_duplicated_provider', 'The provider {{.name}} is already registered.', {
              name: p.name,
            }),
          },
        },
      };
    }
    seen.add(p.name);
  }
  const errors: Errors = {};
  for (const [i, p] of o.providers.entries()) {
    const e = providerErrors(p, known);
    if (e) errors[String(i)] = e;
  }
  return Object.keys(errors).length > 0 ? { providers: errors } : null;
}

function structErrors(o: AuthOptions, ctx: AuthValidationContext): Errors {
  const previous = ctx.original?.auth;
  const errors: Errors = {};

  const authRule = ctx.checkRule('authRule', o.authRule, previous?.authRule);
  if (authRule) errors['authRule'] = authRule;
  const manageRule = o.manageRule === '' ? nilOrNotEmptyError() : ctx.checkRule('manageRule', o.manageRule, previous?.manageRule);
  if (manageRule) errors['manageRule'] = manageRule;

  const alert = templateErrors(o.authAlert.emailTemplate);
  if (alert) errors['authAlert'] = { emailTemplate: alert };

  if (o.passwordAuth.enabled && o.passwordAuth.identityFields.length === 0) {
    errors['passwordAuth'] = { identityFields: requiredError() };
  }

  const oauth2 = oauth2Errors(o.oauth2, ctx.oauth2Providers);
  if (oauth2) errors['oauth2'] = oauth2;

  const otp: Errors = {};
  if (o.otp.enabled) {
    const d = rangeError(o.otp.duration, 10, 86400);
    if (d) otp['duration'] = d;
    const l = o.otp.length === 0 ? requiredError() : o.otp.length < 4 ? minError(4) : null;
    if (l) otp['length'] = l;
  }
  const otpTemplate = templateErrors(o.otp.emailTemplate);
  if (otpTemplate) otp['emailTemplate'] = otpTemplate;
  if (Object.keys(otp).length > 0) errors['otp'] = otp;

  if (o.mfa.enabled) {
    const d = rangeError(o.mfa.duration, 10, 86400);
    if (d) errors['mfa'] = { duration: d };
  }

  for (const name of TOKEN_OPTION_NAMES) {
    const e = tokenErrors(o[name]);
    if (e) errors[name] = e;
  }

  for (const name of ['verificationTemplate', 'resetPasswordTemplate', 'confirmEmailChangeTemplate'] as const) {
    const e = requiredTemplateError(o[name]);
    if (e) errors[name] = e;
  }
  return errors;
}

/** The auth option errors of `c` keyed like PocketBase's, or null. */
export function validateAuthOptions(c: Collection, ctx: AuthValidationContext): ErrorData | null {
  const o = c.auth;
  if (!o) return null;
  const errors = structErrors(o, ctx);
  if (Object.keys(errors).length > 0) return errors;

  if (o.mfa.enabled) {
    const enabled = [o.passwordAuth.enabled, o.oauth2.enabled, o.otp.enabled].filter(Boolean).length;
    if (enabled < 2) {
      return {
        mfa: {
          enabled: validationError('validation_mfa_not_enough_auths', 'MFA requires at least 2 auth methods to be enabled.'),
        },
      };
    }
    if (o.mfa.rule !== '') {
      const ruleError = ctx.checkRule('mfa.rule', o.mfa.rule, ctx.original?.auth?.mfa.rule);
      if (ruleError) return { mfa: { rule: ruleError } };
    }
  }

  if (o.passwordAuth.enabled) {
    for (const name of o.passwordAuth.identityFields) {
      if (!findFieldByName(c.fields, name)) {
        return {
          passwordAuth: {
            identityFields: validationError('validation_missing_field', 'Invalid or missing field {{.fieldName}}', {
              fieldName: name,
            }),
          },
        };
      }
      if (!findSingleColumnUniqueIndex(c.indexes, name)) {
        return {
          passwordAuth: {
            identityFields: validationError(
              'validation_missing_unique_constraint',
              "The field {{.fieldName}} doesn't have a UNIQUE constraint.",
              { fieldName: name },
            ),
          },
        };
      }
    }
  }
  return null;
}
