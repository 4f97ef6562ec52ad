// Validation of prepared record values, with PocketBase's codes, messages and params
// (core/field_*.go ValidateValue). Checks that need the database — relation targets exist,
// a custom primary key is free — are not made here; `databaseChecks` (database-checks.ts)
// lists them for the records service, with the error to report when one fails.
import type { FieldError } from '../../errors/index.js';
import { parseDateTime } from '../../../lib/dates.js';
import type {
  DateField,
  EmailField,
  Field,
  JsonField,
  NumberField,
  PasswordField,
  RelationField,
  SelectField,
  TextField,
  UrlField,
} from '../model.js';
import { isEmailFormat } from './email-format.js';
import { formatGoFloatV, goTimeJson, goTimeString, goToString, toUniqueStringSlice } from './go-cast.js';
import { matchesGoPattern } from './go-regexp.js';
import { err, required, unsupportedValueType } from './messages.js';
import { isPlainPassword } from './password.js';
import { isUrlFormat, parseGoUrl } from './url-format.js';
import { validateFile } from './validate-file.js';
import { isGeoPoint } from './values.js';

export interface ValueContext {
  /** True while the record is being created. */
  isNew: boolean;
  /**
   * The field's value as last saved (decoded), for records being updated: primary keys
   * may not change, and file fields only accept names they already held. Left out on an
   * update, those two checks are skipped (nothing to compare with).
   */
  original?: unknown;
  /**
   * Password fields only: whether the record keeps a stored hash (so "required" holds
   * even when no new password is given).
   */
  hasHash?: boolean;
  /** The record's values, for callers that have them (no type needs them today). */
  record?: Readonly<Record<string, unknown>>;
}

/** The record id pattern PocketBase gives the `id` field; ids matching it need no extra checks. */
export const DEFAULT_ID_PATTERN = '^[a-z0-9]+$';
const DEFAULT_TEXT_MAX = 5000;
const DEFAULT_EDITOR_MAX_SIZE = 5 << 20;
const DEFAULT_JSON_MAX_SIZE = 1 << 20;
const DEFAULT_PASSWORD_MAX = 71;
const BCRYPT_MAX_BYTES = 72;
const INT64_LIMIT = 2 ** 63;

const FORBIDDEN_PK_CHARS = ['.', '/', '\\', '|', '"', "'", '`', '<', '>', ':', '?', '*', '%', '$', '\0', '\t', '\n', '\r', ' '];
const RESERVED_PKS = ['CON', 'PRN', 'AUX', 'NUL', ...range('COM', 9), ...range('LPT', 9)];

function range(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
}

/** Validates a prepared value; returns PocketBase's error for it, or null. */
export function validateValue(field: Field, value: unknown, ctx: ValueContext): FieldError | null {
  switch (field.type) {
    case 'text':
      return validateText(field, value, ctx);
    case 'number':
      return validateNumber(field, value);
    case 'bool':
      if (typeof value !== 'boolean') return unsupportedValueType();
      return field.required && !value ? required() : null;
    case 'email':
      return validateEmail(field, value);
    case 'url':
      return validateUrl(field, value);
    case 'editor': {
      if (typeof value !== 'string') return unsupportedValueType();
      if (field.required && value === '') return required();
      const maxSize = field.maxSize > 0 ? field.maxSize : DEFAULT_EDITOR_MAX_SIZE;
      if (Buffer.byteLength(value) > maxSize) {
        return err('validation_content_size_limit', 'The maximum allowed content size is {{.maxSize}} bytes', { maxSize });
      }
      return null;
    }
    case 'date':
      return validateDate(field, value);
    case 'autodate':
      return null;
    case 'select':
      return validateSelect(field, value);
    case 'relation':
      return validateRelation(field, value);
    case 'file':
      return validateFile(field, value, ctx);
    case 'json':
      return validateJson(field, value);
    case 'geoPoint':
      if (!isGeoPoint(value)) return unsupportedValueType();
      if (value.lat === 0 && value.lon === 0) return field.required ? required() : null;
      if (!(value.lat >= -90 && value.lat <= 90)) {
        return err('validation_invalid_latitude', 'Latitude must be between -90 and 90 degrees.');
      }
      if (!(value.lon >= -180 && value.lon <= 180)) {
        return err('validation_invalid_longitude', 'Longitude must be between -180 and 180 degrees.');
      }
      return null;
    case 'password':
      return validatePassword(field, value, ctx);
  }
}

// ---------------------------------------------------------------------------

function validateText(field: TextField, value: unknown, ctx: ValueContext): FieldError | null {
  if (typeof value !== 'string') return unsupportedValueType();
  if (field.primaryKey && !ctx.isNew && ctx.original !== undefined) {
    const saved = goToString(ctx.original);
    if (saved !== value) return err('validation_pk_change', 'The record primary key cannot be changed.');
    // Stored ids may come from elsewhere (imports); they are not re-validated.
    if (saved !== '') return null;
  }
  return validatePlainText(field, value);
}

/** A text value checked against the field's options alone (also used for autogenerate patterns). */
export function validatePlainText(field: TextField, value: string): FieldError | null {
  if ((field.required || field.primaryKey) && value === '') return required();
  if (value === '') return null;
  const length = Array.from(value).length;
  if (field.min > 0 && length < field.min) {
    return err('validation_min_text_constraint', 'Must be at least {{.min}} character(s).', { min: field.min });
  }
  const max = field.max === 0 ? DEFAULT_TEXT_MAX : field.max;
  if (max > 0 && length > max) {
    return err('validation_max_text_constraint', 'Must be no more than {{.max}} character(s).', { max });
  }
  if (field.pattern !== '' && !matchesGoPattern(field.pattern, value)) {
    return err('validation_invalid_format', 'Invalid value format.');
  }
  if (field.primaryKey && field.pattern !== DEFAULT_ID_PATTERN) return checkPrimaryKeyChars(value, length);
  return null;
}

// Ids often name files and directories, so characters and names that break file systems are refused.
function checkPrimaryKeyChars(value: string, length: number): FieldError | null {
  for (const ch of FORBIDDEN_PK_CHARS) {
    if (value.includes(ch)) {
      return err('validation_forbidden_pk_character', "'{{.ch}}' is not a valid primary key character.", { ch });
    }
  }
  if (length <= 4) {
    const reserved = RESERVED_PKS.find((name) => name.toLowerCase() === value.toLowerCase());
    if (reserved) {
      return err('validation_reserved_pk', "The primary key '{{.reserved}}' is reserved and cannot be used.", { reserved });
    }
  }
  return null;
}

function validateNumber(field: NumberField, value: unknown): FieldError | null {
  if (typeof value !== 'number') return unsupportedValueType();
  if (!Number.isFinite(value)) return err('validation_not_a_number', 'The submitted number is not properly formatted');
  if (value === 0) return field.required ? required() : null;
  if (field.onlyInt && !(Number.isInteger(value) && Math.abs(value) < INT64_LIMIT)) {
    return err('validation_only_int_constraint', 'Decimal numbers are not allowed');
  }
  if (field.min !== null && value < field.min) {
    const min = field.min;
    return err('validation_min_number_constraint', 'Must be greater or equal than {{.min}}', { min }, { min: formatGoFloatV(min) });
  }
  if (field.max !== null && value > field.max) {
    const max = field.max;
    return err('validation_max_number_constraint', 'Must be less or equal than {{.max}}', { max }, { max: formatGoFloatV(max) });
  }
  return null;
}

function checkDomainLists(field: EmailField | UrlField, domain: string, error: () => FieldError): FieldError | null {
  if (field.onlyDomains && field.onlyDomains.length > 0 && !field.onlyDomains.includes(domain)) return error();
  if (field.exceptDomains && field.exceptDomains.length > 0 && field.exceptDomains.includes(domain)) return error();
  return null;
}

function validateEmail(field: EmailField, value: unknown): FieldError | null {
  if (typeof value !== 'string') return unsupportedValueType();
  if (field.required && value === '') return required();
  if (value === '') return null;
  if (!isEmailFormat(value)) return err('validation_is_email', 'must be a valid email address');
  const domain = value.slice(value.lastIndexOf('@') + 1);
  return checkDomainLists(field, domain, () => err('validation_email_domain_not_allowed', 'Email domain is not allowed'));
}

function validateUrl(field: UrlField, value: unknown): FieldError | null {
  if (typeof value !== 'string') return unsupportedValueType();
  if (field.required && value === '') return required();
  if (value === '') return null;
  if (!isUrlFormat(value)) return err('validation_invalid_url', 'Must be a valid url');
  const host = parseGoUrl(value)?.host ?? '';
  return checkDomainLists(field, host, () => err('validation_url_domain_not_allowed', 'Url domain is not allowed'));
}

function validateDate(field: DateField, value: unknown): FieldError | null {
  if (typeof value !== 'string') return unsupportedValueType();
  const date = value === '' ? null : parseDateTime(value);
  if (!date) return field.required ? required() : null;
  const min = field.min ? parseDateTime(field.min) : null;
  if (min && date.getTime() < min.getTime()) {
    return err(
      'validation_min_greater_equal_than_required',
      'must be no less than {{.threshold}}',
      { threshold: goTimeJson(min) },
      { threshold: goTimeString(min) },
    );
  }
  const max = field.max ? parseDateTime(field.max) : null;
  if (max && date.getTime() > max.getTime()) {
    return err(
      'validation_max_less_equal_than_required',
      'must be no greater than {{.threshold}}',
      { threshold: goTimeJson(max) },
      { threshold: goTimeString(max) },
    );
  }
  return null;
}

function tooMany(maxSelect: number): FieldError {
  return err('validation_too_many_values', 'Select no more than {{.maxSelect}}', { maxSelect });
}

function validateSelect(field: SelectField, value: unknown): FieldError | null {
  const values = toUniqueStringSlice(value);
  if (values.length === 0) return field.required ? required() : null;
  const maxSelect = Math.max(field.maxSelect, 1);
  if (values.length > maxSelect) return tooMany(maxSelect);
  const invalid = values.find((v) => !field.values.includes(v));
  return invalid === undefined ? null : err('validation_invalid_value', 'Invalid value {{.value}}', { value: invalid });
}

function validateRelation(field: RelationField, value: unknown): FieldError | null {
  const ids = toUniqueStringSlice(value);
  if (ids.length === 0) return field.required ? required() : null;
  if (field.minSelect > 0 && ids.length < field.minSelect) {
    return err('validation_not_enough_values', 'Select at least {{.minSelect}}', { minSelect: field.minSelect });
  }
  const maxSelect = Math.max(field.maxSelect, 1);
  return ids.length > maxSelect ? tooMany(maxSelect) : null;
}

const EMPTY_JSON = new Set(['null', '""', '[]', '{}', '']);

function validateJson(field: JsonField, value: unknown): FieldError | null {
  let text: string | undefined;
  try {
    text = JSON.stringify(value === undefined ? null : value);
  } catch {
    text = undefined;
  }
  const maxSize = field.maxSize > 0 ? field.maxSize : DEFAULT_JSON_MAX_SIZE;
  if (text !== undefined && Buffer.byteLength(text) > maxSize) {
    return err('validation_json_size_limit', 'The maximum allowed JSON size is {{.maxSize}} bytes', { maxSize });
  }
  if (text === undefined) return err('validation_invalid_json', 'Must be a valid json value');
  return field.required && EMPTY_JSON.has(text) ? required() : null;
}

// The value is the plain password being set ('' when none is); the hash is not validated.
function validatePassword(field: PasswordField, value: unknown, ctx: ValueContext): FieldError | null {
  if (typeof value !== 'string' && !isPlainPassword(value)) return unsupportedValueType();
  const plain = typeof value === 'string' ? value : value.plain;
  // bcrypt cannot hash more than 72 bytes; PocketBase reports the hashing failure generically.
  if (Buffer.byteLength(plain) > BCRYPT_MAX_BYTES) return err('validation_invalid_value', 'Invalid value.');
  if (plain === '') return field.required && !ctx.hasHash ? required() : null;
  const length = Array.from(plain).length;
  if (length < field.min) {
    return err('validation_min_text_constraint', `Must be at least ${field.min} character(s)`);
  }
  const max = field.max > 0 ? field.max : DEFAULT_PASSWORD_MAX;
  if (length > max) return err('validation_max_text_constraint', `Must be less than ${max} character(s)`);
  if (field.pattern !== '' && !matchesGoPattern(field.pattern, plain)) {
    return err('validation_invalid_format', 'Invalid value format');
  }
  return null;
}
