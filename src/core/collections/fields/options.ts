// Validation of a field definition inside a collection (core/field_*.go ValidateSettings):
// the returned map is keyed by option name, as PocketBase reports it under
// `fields.<index>` (the caller adds that prefix). Each option reports its first failing
// rule only; list options (domains, thumbs) report per item, keyed by position.
import type { ErrorData, FieldError } from '../../errors/index.js';
import { parseDateTime } from '../../../lib/dates.js';
import type {
  AutodateField,
  Collection,
  DateField,
  EmailField,
  Field,
  FileField,
  NumberField,
  PasswordField,
  RelationField,
  SelectField,
  TextField,
  UrlField,
} from '../model.js';
import { formatGoFloatV } from './go-cast.js';
import { compileGoPattern } from './go-regexp.js';
import {
  err,
  invalidDomain,
  lengthError,
  matchInvalid,
  maxThreshold,
  minThreshold,
  mustBeBlank,
  notInInvalid,
  required,
  valuesMismatch,
} from './messages.js';
import { MAX_BCRYPT_COST, MIN_BCRYPT_COST } from './password.js';
import { PatternError, randomStringFromPattern } from './random-by-pattern.js';
import { isDomainFormat } from './url-format.js';
import { validatePlainText } from './validate-value.js';

export interface FieldOptionsContext {
  /** The collection being saved, with this field in its field list. */
  collection: Collection;
  /** Looks up a stored collection by id or name (the stored state, before this save). */
  findCollection(idOrName: string): Collection | undefined;
  /**
   * The stored version of `collection` (null for a new collection). When omitted it is
   * looked up with `findCollection(collection.id)`.
   */
  oldCollection?: Collection | null;
}

const MAX_SAFE_JSON_INT = Number.MAX_SAFE_INTEGER;
const MAX_PASSWORD_LENGTH = 71;
const RESERVED_FIELD_NAMES = ['null', 'true', 'false', '_rowid_', 'collectionId', 'collectionName', 'expand'];
const THUMB_SIZE = /^(\d+)x(\d+)(t|b|f)?$/;
const ZERO_THUMBS = ['0x0', '0x0t', '0x0b', '0x0f'];
const AUTOGENERATE_SAMPLES = 10;

type Check = FieldError | ErrorData | null;

/** Option validation for a field inside a collection; null when the definition is valid. */
export function validateFieldOptions(field: Field, ctx: FieldOptionsContext): ErrorData | null {
  const checks: Record<string, Check> = {
    id: checkId(field.id),
    name: checkName(field.name),
    ...('help' in field ? { help: checkLength(field.help, 1, 300) } : {}),
    ...typeChecks(field, ctx),
  };
  const errors: ErrorData = {};
  for (const [key, error] of Object.entries(checks)) if (error) errors[key] = error;
  return Object.keys(errors).length > 0 ? errors : null;
}

function typeChecks(field: Field, ctx: FieldOptionsContext): Record<string, Check> {
  switch (field.type) {
    case 'text':
      return textChecks(field, ctx);
    case 'number':
      return numberChecks(field);
    case 'bool':
    case 'geoPoint':
      return {};
    case 'email':
    case 'url':
      return domainChecks(field);
    case 'editor':
    case 'json':
      return { maxSize: first(min(field.maxSize, 0), max(field.maxSize, MAX_SAFE_JSON_INT)) };
    case 'date':
      return { max: dateRangeCheck(field) };
    case 'autodate':
      return autodateChecks(field, ctx);
    case 'select':
      return selectChecks(field);
    case 'relation':
      return relationChecks(field, ctx);
    case 'file':
      return fileChecks(field);
    case 'password':
      return passwordChecks(field);
  }
}

// ---------------------------------------------------------------------------
// ozzo-validation's rules: Min/Max/Length skip empty values (0, ''), Required does not.

function first(...checks: Array<() => Check>): Check {
  for (const check of checks) {
    const result = check();
    if (result) return result;
  }
  return null;
}

function min(value: number, threshold: number): () => Check {
  return () => (value !== 0 && value < threshold ? minThreshold(threshold) : null);
}

function max(value: number, threshold: number): () => Check {
  return () => (value !== 0 && value > threshold ? maxThreshold(threshold) : null);
}

function checkLength(value: string, minLength: number, maxLength: number): Check {
  if (value === '') return null;
  const length = Buffer.byteLength(value);
  return length < minLength || length > maxLength ? lengthError(minLength, maxLength) : null;
}

function checkId(id: string): Check {
  return id === '' ? required() : checkLength(id, 1, 100);
}

const FIELD_NAME = /^\w+$/;

function checkName(name: string): Check {
  if (name === '') return required();
  const length = checkLength(name, 1, 100);
  if (length) return length;
  if (!FIELD_NAME.test(name)) return matchInvalid();
  if (RESERVED_FIELD_NAMES.includes(name)) return notInInvalid();
  if (name.toLowerCase().includes('_via_')) return err('validation_found_via', 'The value cannot contain "_via_".');
  return null;
}

function checkRegex(pattern: string): Check {
  if (pattern === '') return null;
  const compiled = compileGoPattern(pattern);
  return compiled.ok ? null : err('validation_invalid_regex', compiled.error);
}

function oldCollectionOf(ctx: FieldOptionsContext): Collection | null {
  if (ctx.oldCollection !== undefined) return ctx.oldCollection;
  const found = ctx.findCollection(ctx.collection.id);
  return found && found.id === ctx.collection.id ? found : null;
}

// ---------------------------------------------------------------------------

function textChecks(field: TextField, ctx: FieldOptionsContext): Record<string, Check> {
  const pk = field.primaryKey;
  const pkCount = ctx.collection.fields.filter((f) => f.type === 'text' && f.primaryKey).length;
  return {
    name:
      checkName(field.name) ??
      (pk && field.name !== 'id' ? err('validation_in_invalid', 'The primary key must be named "id".') : null),
    primaryKey:
      pk && pkCount > 1
        ? err('validation_unsupported_composite_pk', 'Composite PKs are not supported and the collection must have only 1 PK.')
        : null,
    min: first(min(field.min, 0), max(field.min, MAX_SAFE_JSON_INT)),
    max: first(min(field.max, field.min), max(field.max, MAX_SAFE_JSON_INT)),
    pattern: pk && field.pattern === '' ? required() : checkRegex(field.pattern),
    hidden: pk && field.hidden ? mustBeBlank() : null,
    required: pk && !field.required ? required() : null,
    autogeneratePattern: checkRegex(field.autogeneratePattern) ?? checkAutogenerate(field),
  };
}

// A pattern is accepted only if a handful of generated samples pass the field's own rules.
function checkAutogenerate(field: TextField): Check {
  if (field.autogeneratePattern === '') return null;
  for (let i = 0; i < AUTOGENERATE_SAMPLES; i++) {
    let sample: string;
    try {
      sample = randomStringFromPattern(field.autogeneratePattern);
    } catch (e) {
      const message = e instanceof PatternError ? e.message : 'invalid pattern';
      return err('validation_invalid_autogenerate_pattern', message);
    }
    if (validatePlainText(field, sample)) {
      return err(
        'validation_invalid_autogenerate_pattern_value',
        `The provided autogenerate pattern could produce invalid field values, ex.: ${JSON.stringify(sample)}`,
      );
    }
  }
  return null;
}

const onlyIntError = (): FieldError => err('validation_only_int_constraint', 'Decimal numbers are not allowed');

function numberChecks(field: NumberField): Record<string, Check> {
  const notInt = (v: number | null) => field.onlyInt && v !== null && !Number.isInteger(v);
  let maxError: Check = notInt(field.max) ? onlyIntError() : null;
  if (!maxError && field.min !== null && field.max !== null && field.max < field.min) {
    const minValue = field.min;
    maxError = err('validation_min_number_constraint', 'Must be greater or equal than {{.min}}', { min: minValue }, {
      min: formatGoFloatV(minValue),
    });
  }
  return { min: notInt(field.min) ? onlyIntError() : null, max: maxError };
}

function domainChecks(field: EmailField | UrlField): Record<string, Check> {
  const list = (own: string[] | null, other: string[] | null): Check => {
    if (other && other.length > 0) return own && own.length > 0 ? mustBeBlank() : null;
    return eachItem(own ?? [], (domain) => (domain !== '' && !isDomainFormat(domain) ? invalidDomain() : null));
  };
  return {
    exceptDomains: list(field.exceptDomains, field.onlyDomains),
    onlyDomains: list(field.onlyDomains, field.exceptDomains),
  };
}

function eachItem(items: readonly string[], check: (item: string) => FieldError | null): Check {
  const errors: ErrorData = {};
  items.forEach((item, i) => {
    const error = check(item);
    if (error) errors[String(i)] = error;
  });
  return Object.keys(errors).length > 0 ? errors : null;
}

function dateRangeCheck(field: DateField): Check {
  const maxDate = field.max ? parseDateTime(field.max) : null;
  const minDate = field.min ? parseDateTime(field.min) : null;
  if (!maxDate || !minDate) return null;
  return minDate.getTime() > maxDate.getTime() ? err('validation_date_out_of_range', 'the date is out of range') : null;
}

function autodateChecks(field: AutodateField, ctx: FieldOptionsContext): Record<string, Check> {
  const old = oldCollectionOf(ctx)?.fields.find((f) => f.id === field.id);
  const stored = old?.type === 'autodate' ? old : field;
  const neither = () => err('validation_required', 'either onCreate or onUpdate must be enabled');
  const check = (value: boolean, storedValue: boolean, other: boolean): Check => {
    if (field.system && value !== storedValue) return valuesMismatch();
    return !value && !other ? neither() : null;
  };
  return {
    onCreate: check(field.onCreate, stored.onCreate, field.onUpdate),
    onUpdate: check(field.onUpdate, stored.onUpdate, field.onCreate),
  };
}

function selectChecks(field: SelectField): Record<string, Check> {
  const limit = Math.max(field.values.length, 1);
  return {
    values: field.values.length === 0 ? required() : null,
    maxSelect: first(min(field.maxSelect, 0), max(field.maxSelect, limit)),
  };
}

function relationChecks(field: RelationField, ctx: FieldOptionsContext): Record<string, Check> {
  return {
    collectionId: field.collectionId === '' ? required() : relationTargetCheck(field, ctx),
    minSelect: min(field.minSelect, 0)(),
    maxSelect: field.minSelect > 0 && field.maxSelect === 0 ? required() : min(field.maxSelect, field.minSelect)(),
  };
}

function relationTargetCheck(field: RelationField, ctx: FieldOptionsContext): Check {
  const oldField = oldCollectionOf(ctx)?.fields.find((f) => f.id === field.id);
  if (oldField?.type === 'relation' && oldField.collectionId !== field.collectionId) {
    return err('validation_field_relation_change', 'The relation collection cannot be changed.');
  }
  const target = ctx.findCollection(field.collectionId);
  if (!target || target.id !== field.collectionId) {
    return err('validation_field_relation_missing_collection', "The relation collection doesn't exist.");
  }
  if (ctx.collection.type !== 'view' && target.type === 'view') {
    return err(
      'validation_relation_field_non_view_base_collection',
      'Only view collections are allowed to have relations to other views.',
    );
  }
  return null;
}

function fileChecks(field: FileField): Record<string, Check> {
  return {
    maxSelect: first(min(field.maxSelect, 0), max(field.maxSelect, MAX_SAFE_JSON_INT)),
    maxSize: first(min(field.maxSize, 0), max(field.maxSize, MAX_SAFE_JSON_INT)),
    thumbs: eachItem(field.thumbs ?? [], (thumb) => {
      if (thumb === '') return null;
      if (ZERO_THUMBS.includes(thumb)) return notInInvalid();
      return THUMB_SIZE.test(thumb) ? null : matchInvalid();
    }),
  };
}

function passwordChecks(field: PasswordField): Record<string, Check> {
  return {
    min: first(min(field.min, 1), max(field.min, MAX_PASSWORD_LENGTH)),
    max: first(min(field.max, field.min), max(field.max, MAX_PASSWORD_LENGTH)),
    cost: first(min(field.cost, MIN_BCRYPT_COST), max(field.cost, MAX_BCRYPT_COST)),
    pattern: checkRegex(field.pattern),
  };
}
