// Field values to and from database columns. Both engines get the same logical content:
// multi-value fields, json and geoPoint as JSON text (JSON on SQLite, JSONB on PostgreSQL),
// dates as PocketBase's sortable text, booleans as 1/0 on SQLite (as PocketBase writes
// them) and true/false on PostgreSQL. Decoding follows PocketBase, which reads every
// column as text and runs it through the field's setter — so loose values left by older
// PocketBase versions ('' in a number column, a bare id in a multi-relation column) load
// the way PocketBase would load them.
import type { DialectName, SqlValue } from '../../../db/types.js';
import type { Field } from '../model.js';
import { formatGoFloatV, goParseBool, goToBool, goToFloat, goToString, toUniqueStringSlice } from './go-cast.js';
import { hashPasswordSync, isPlainPassword } from './password.js';
import { fileName, geoPointJson, isMultiValue, prepareValue, toDateValue, toFileList } from './values.js';

/** Encodes a field value for a bound parameter in the given dialect. */
export function encodeValue(field: Field, value: unknown, dialect: DialectName): SqlValue {
  switch (field.type) {
    case 'text':
    case 'email':
    case 'url':
    case 'editor':
      return goToString(value);
    case 'number': {
      const n = goToFloat(value);
      // Validation refuses NaN/Infinity; never hand them to a NOT NULL numeric column.
      return Number.isFinite(n) ? n : 0;
    }
    case 'bool': {
      const b = goToBool(value);
      return dialect === 'sqlite' ? (b ? 1 : 0) : b;
    }
    case 'date':
    case 'autodate':
      return toDateValue(value);
    case 'select':
    case 'relation':
      return encodeList(field, toUniqueStringSlice(value));
    case 'file':
      return encodeList(field, toFileList(value).map(fileName));
    case 'json':
      return encodeJson(value);
    case 'geoPoint':
      return geoPointJson(value);
    case 'password':
      if (isPlainPassword(value)) return hashPasswordSync(field, value.plain);
      return typeof value === 'string' ? value : '';
  }
}

function encodeList(field: Field, list: string[]): string {
  if (isMultiValue(field)) return JSON.stringify(list);
  return list.length > 0 ? (list[list.length - 1] as string) : '';
}

// A JSON field with no value is SQL NULL, as PocketBase stores it.
function encodeJson(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  try {
    return JSON.stringify(value) ?? null;
  } catch {
    return null;
  }
}

/** Decodes a raw database value (as either driver returns it) into the field's value. */
export function decodeValue(field: Field, raw: unknown): unknown {
  const value = fromDriver(raw);
  switch (field.type) {
    case 'text':
    case 'email':
    case 'url':
    case 'editor':
    case 'password':
      // Hashes stay strings: a stored password is never a PlainPassword.
      return textFromDb(value);
    case 'bool':
      // PocketBase parses the column text: 1/0, true/false (other numbers are false).
      if (typeof value === 'number') return value === 1;
      if (typeof value === 'string') return goParseBool(value) ?? false;
      return value === true;
    case 'number':
      return goToFloat(value);
    default:
      return prepareValue(field, value);
  }
}

function fromDriver(raw: unknown): unknown {
  if (raw === undefined) return null;
  if (typeof raw === 'bigint') return Number(raw);
  if (raw instanceof Uint8Array) return Buffer.from(raw).toString('utf8');
  return raw;
}

// Go's database/sql renders a numeric column value as text with strconv's 'g' format.
function textFromDb(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : formatGoFloatV(value);
  return goToString(value);
}
