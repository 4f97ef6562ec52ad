// Field definitions from API bodies or stored `_collections.fields` JSON, filled up to
// PocketBase's shape: every option present with the value Go would leave when it is
// missing (0, '', false, null), keys in sorted order as PocketBase serialises them.
// Types are coerced where the intent is clear ("5" for a number option, "true" for a
// flag); anything else is a malformed definition and is refused.
import { ValidationError, fieldError } from '../../errors/index.js';
import { formatDateTime, parseDateTime } from '../../../lib/dates.js';
import { FIELD_TYPES, type Field, type FieldType } from '../model.js';

type OptionKind = 'string' | 'bool' | 'int' | 'nullableNumber' | 'stringList' | 'nullableStringList' | 'date';

type OptionSpec = Record<string, OptionKind>;

const COMMON: OptionSpec = { id: 'string', name: 'string', system: 'bool', hidden: 'bool', presentable: 'bool' };
const WITH_HELP: OptionSpec = { ...COMMON, help: 'string' };
const DOMAINS: OptionSpec = { exceptDomains: 'nullableStringList', onlyDomains: 'nullableStringList', required: 'bool' };

const OPTIONS: Record<FieldType, OptionSpec> = {
  text: {
    ...WITH_HELP,
    min: 'int',
    max: 'int',
    pattern: 'string',
    autogeneratePattern: 'string',
    required: 'bool',
    primaryKey: 'bool',
  },
  number: { ...WITH_HELP, min: 'nullableNumber', max: 'nullableNumber', onlyInt: 'bool', required: 'bool' },
  bool: { ...WITH_HELP, required: 'bool' },
  email: { ...WITH_HELP, ...DOMAINS },
  url: { ...WITH_HELP, ...DOMAINS },
  editor: { ...WITH_HELP, maxSize: 'int', convertURLs: 'bool', required: 'bool' },
  date: { ...WITH_HELP, min: 'date', max: 'date', required: 'bool' },
  autodate: { ...COMMON, onCreate: 'bool', onUpdate: 'bool' },
  select: { ...WITH_HELP, values: 'stringList', maxSelect: 'int', required: 'bool' },
  relation: {
    ...WITH_HELP,
    collectionId: 'string',
    cascadeDelete: 'bool',
    minSelect: 'int',
    maxSelect: 'int',
    required: 'bool',
  },
  file: {
    ...WITH_HELP,
    maxSize: 'int',
    maxSelect: 'int',
    mimeTypes: 'nullableStringList',
    thumbs: 'nullableStringList',
    protected: 'bool',
    required: 'bool',
  },
  json: { ...WITH_HELP, maxSize: 'int', required: 'bool' },
  geoPoint: { ...WITH_HELP, required: 'bool' },
  password: { ...WITH_HELP, pattern: 'string', min: 'int', max: 'int', cost: 'int', required: 'bool' },
};

const MALFORMED = 'Failed to load the submitted data due to invalid formatting.';

export function isFieldType(value: unknown): value is FieldType {
  return typeof value === 'string' && (FIELD_TYPES as readonly string[]).includes(value);
}

/** Fills defaults for missing options and coerces option types; throws ValidationError on a wrong shape. */
export function normalizeField(raw: Record<string, unknown>): Field {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw malformed('type');
  const type = raw.type;
  if (!isFieldType(type)) throw malformed('type');
  const spec = OPTIONS[type];
  const out: Record<string, unknown> = { type };
  for (const [key, kind] of Object.entries(spec)) {
    const value = coerce(kind, raw[key]);
    if (value === INVALID) throw malformed(key);
    out[key] = value;
  }
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(out).sort()) sorted[key] = out[key];
  return sorted as unknown as Field;
}

/** The option names PocketBase stores for a field type (plus `type`), sorted. */
export function fieldOptionNames(type: FieldType): string[] {
  return [...Object.keys(OPTIONS[type]), 'type'].sort();
}

function malformed(key: string): ValidationError {
  return new ValidationError({ [key]: fieldError('validation_invalid_value', 'Invalid value.') }, MALFORMED);
}

const INVALID = Symbol('invalid');

function coerce(kind: OptionKind, value: unknown): unknown {
  switch (kind) {
    case 'string':
      return toStringOption(value);
    case 'bool':
      return toBoolOption(value);
    case 'int':
      return toIntOption(value);
    case 'nullableNumber':
      return value === null || value === undefined || value === '' ? null : toNumberOption(value);
    case 'stringList':
      return value === null || value === undefined ? [] : toStringList(value);
    case 'nullableStringList':
      return value === null || value === undefined ? null : toStringList(value);
    case 'date':
      return toDateOption(value);
  }
}

function toStringOption(value: unknown): string | typeof INVALID {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return INVALID;
}

function toBoolOption(value: unknown): boolean | typeof INVALID {
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1' || value === 1) return true;
  if (value === 'false' || value === '0' || value === 0 || value === '') return false;
  return INVALID;
}

function toNumberOption(value: unknown): number | typeof INVALID {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : INVALID;
}

function toIntOption(value: unknown): number | typeof INVALID {
  if (value === null || value === undefined || value === '') return 0;
  const n = toNumberOption(value);
  return n !== INVALID && Number.isInteger(n) ? n : INVALID;
}

function toStringList(value: unknown): string[] | typeof INVALID {
  const items = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(items)) return INVALID;
  const out: string[] = [];
  for (const item of items) {
    const text = toStringOption(item);
    if (text === INVALID || item === null || item === undefined) return INVALID;
    out.push(text);
  }
  return out;
}

function toDateOption(value: unknown): string | typeof INVALID {
  if (value === null || value === undefined || value === '') return '';
  if (typeof value !== 'string') return INVALID;
  const date = parseDateTime(value);
  return date ? formatDateTime(date) : '';
}
