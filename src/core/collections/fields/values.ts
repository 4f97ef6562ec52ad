// Record values per field type: the empty value, normalisation of raw input, and the
// write modifiers. Values are kept in their API form: strings, numbers, booleans,
// string arrays, parsed JSON, `{lon, lat}`; dates as PocketBase's `YYYY-MM-DD HH:MM:SS.sssZ`
// text ('' when unset). A password set from input is a PlainPassword until it is hashed.
//
// The rules follow PocketBase's record setters (core/field_*.go): lenient casts, never an
// exception; what cannot be read becomes the zero value, as it does there.
import { formatDateTime, parseDateTime } from '../../../lib/dates.js';
import type { Field, FileField, RelationField, SelectField } from '../model.js';
import { goToBool, goToFloat, goToString, nonzeroUniques, toUniqueStringSlice } from './go-cast.js';
import { PlainPassword } from './password.js';

export interface GeoPoint {
  lon: number;
  lat: number;
}

/** A file about to be uploaded (the files module supplies these; only `name` matters here). */
export interface FileUpload {
  name: string;
  originalName?: string;
  size?: number;
}

export type FileItem = string | FileUpload;

export type WriteModifier = 'append' | 'prepend' | 'remove';

type MultiField = SelectField | RelationField | FileField;

/** Select, relation and file fields hold a list when `maxSelect` > 1, else one string. */
export function isMultiValue(field: Field): boolean {
  switch (field.type) {
    case 'select':
    case 'relation':
    case 'file':
      return field.maxSelect > 1;
    default:
      return false;
  }
}

/** The empty value of a field (what a new record holds). */
export function zeroValue(field: Field): unknown {
  switch (field.type) {
    case 'text':
    case 'email':
    case 'url':
    case 'editor':
    case 'date':
    case 'autodate':
    case 'password':
      return '';
    case 'number':
      return 0;
    case 'bool':
      return false;
    case 'select':
    case 'relation':
    case 'file':
      return isMultiValue(field) ? [] : '';
    case 'json':
      return null;
    case 'geoPoint':
      return { lon: 0, lat: 0 };
  }
}

/**
 * Normalises a raw input value (JSON, urlencoded or multipart strings) to the field's
 * value type, as PocketBase's record setter does. Never throws.
 */
export function prepareValue(field: Field, raw: unknown): unknown {
  switch (field.type) {
    case 'text':
    case 'email':
    case 'url':
    case 'editor':
      return goToString(raw);
    case 'number':
      return goToFloat(raw);
    case 'bool':
      return goToBool(raw);
    case 'date':
    case 'autodate':
      return toDateValue(raw);
    case 'select':
    case 'relation':
      return pickForField(field, toUniqueStringSlice(raw));
    case 'file':
      return pickForField(field, toFileList(raw));
    case 'json':
      return toJsonValue(raw);
    case 'geoPoint':
      return toGeoPoint(raw);
    case 'password':
      return raw instanceof PlainPassword ? raw : new PlainPassword(goToString(raw));
  }
}

/** Whether `field+`, `+field` or `field-` is a write key for this field. */
export function supportsModifier(field: Field, modifier: WriteModifier): boolean {
  switch (field.type) {
    case 'number':
      return modifier !== 'prepend';
    case 'select':
    case 'relation':
    case 'file':
      return true;
    default:
      return false;
  }
}

/**
 * Applies a write modifier: `field+` (append), `+field` (prepend), `field-` (remove) for
 * multi-value fields; `field+`/`field-` add/subtract for numbers. For a modifier the field
 * does not support (see supportsModifier) the current value is returned unchanged.
 */
export function applyModifier(field: Field, current: unknown, modifier: WriteModifier, raw: unknown): unknown {
  switch (field.type) {
    case 'number':
      if (modifier === 'append') return goToFloat(current) + goToFloat(raw);
      if (modifier === 'remove') return goToFloat(current) - goToFloat(raw);
      return current;
    case 'select':
    case 'relation': {
      const now = toUniqueStringSlice(current);
      const given = toUniqueStringSlice(raw);
      const next =
        modifier === 'append' ? [...now, ...given] : modifier === 'prepend' ? [...given, ...now] : now.filter((v) => !given.includes(v));
      return pickForField(field, nonzeroUniques(next));
    }
    case 'file': {
      const now = toFileList(current);
      const given = toFileList(raw);
      if (modifier === 'remove') {
        const removed = new Set(given.map(fileName));
        return pickForField(field, now.filter((item) => !removed.has(fileName(item))));
      }
      return pickForField(field, uniqueFiles(modifier === 'append' ? [...now, ...given] : [...given, ...now]));
    }
    default:
      return current;
  }
}

/** Autodate fields ignore input: PocketBase sets them itself on create/update. */
export function ignoresInput(field: Field): boolean {
  return field.type === 'autodate';
}

// ---------------------------------------------------------------------------

function pickForField<T>(field: MultiField, list: T[]): T[] | T | '' {
  if (isMultiValue(field)) return list;
  return list.length > 0 ? (list[list.length - 1] as T) : '';
}

/** A date value: PocketBase's text form of any date it can read, else ''. */
/** Already in the stored form: nothing to parse (the common case when reading rows). */
const CANONICAL_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

export function toDateValue(raw: unknown): string {
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? '' : formatDateTime(raw);
  if (typeof raw !== 'string' || raw === '') return '';
  if (CANONICAL_DATE.test(raw) && !raw.startsWith('0000') && Number(raw.slice(8, 10)) <= 28) return raw;
  const date = parseDateTime(raw);
  return date ? formatDateTime(date) : '';
}

export function isFileUpload(value: unknown): value is FileUpload {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as FileUpload).name === 'string';
}

export function fileName(item: FileItem): string {
  return typeof item === 'string' ? item : item.name;
}

/** The items of a file field value: names (strings) and pending uploads, unique by name. */
export function toFileList(raw: unknown): FileItem[] {
  if (raw === null || raw === undefined) return [];
  if (isFileUpload(raw)) return [raw];
  if (Array.isArray(raw)) {
    const items: FileItem[] = [];
    for (const entry of raw) {
      const one = toFileList(entry);
      if (one.length === 1) items.push(one[0] as FileItem);
    }
    return uniqueFiles(items);
  }
  return toUniqueStringSlice(raw);
}

function uniqueFiles(items: FileItem[]): FileItem[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const name = fileName(item);
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
}

const JSON_START = /^[-0-9"[{]/;

/**
 * A JSON field value. Text that is JSON (a number, string, array or object literal, or
 * null/true/false) is parsed; any other text is kept as a JSON string. Other values are
 * taken as they are (normalised through JSON).
 */
export function toJsonValue(raw: unknown): unknown {
  if (raw instanceof Uint8Array) return toJsonValue(Buffer.from(raw).toString('utf8'));
  if (typeof raw === 'string') {
    if (raw === 'null') return null;
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    if (JSON_START.test(raw)) {
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return raw;
      }
    }
    return raw;
  }
  if (raw === undefined) return null;
  try {
    const text = JSON.stringify(raw);
    return text === undefined ? null : (JSON.parse(text) as unknown);
  } catch {
    return null;
  }
}

/** A geo point from `{lon, lat}` (keys matched case-insensitively, as Go does) or its JSON text. */
export function toGeoPoint(raw: unknown): GeoPoint {
  let source = raw;
  if (source instanceof Uint8Array) source = Buffer.from(source).toString('utf8');
  if (typeof source === 'string') {
    if (source === '') return { lon: 0, lat: 0 };
    try {
      source = JSON.parse(source) as unknown;
    } catch {
      return { lon: 0, lat: 0 };
    }
  }
  const point = { lon: 0, lat: 0 };
  if (typeof source !== 'object' || source === null || Array.isArray(source)) return point;
  const entries = Object.entries(source);
  for (const key of ['lon', 'lat'] as const) {
    const exact = entries.find(([k]) => k === key) ?? entries.find(([k]) => k.toLowerCase() === key);
    const value = exact?.[1];
    if (typeof value === 'number' && Number.isFinite(value)) point[key] = value;
  }
  return point;
}

export function isGeoPoint(value: unknown): value is GeoPoint {
  if (typeof value !== 'object' || value === null) return false;
  const { lon, lat } = value as Partial<GeoPoint>;
  return typeof lon === 'number' && typeof lat === 'number';
}

/** A geo point as PocketBase stores it: `{"lon":…,"lat":…}`. */
export function geoPointJson(value: unknown): string {
  const point = isGeoPoint(value) ? value : toGeoPoint(value);
  return JSON.stringify({ lon: point.lon, lat: point.lat });
}
