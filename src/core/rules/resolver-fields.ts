// What the record resolver needs to know about fields: how each type is stored and typed
// in SQL, which fields hold several values, and which relation fields are unique.
import type { DialectName } from '../../db/types.js';
import type { Affinity, ArrayColumnType, ValueKind } from '../../filter/index.js';
import type { Collection, Field } from '../collections/model.js';

/** Fields that can hold several values (PocketBase's MultiValuer: select, relation, file). */
export type MultiValuerField = Extract<Field, { type: 'select' | 'relation' | 'file' }>;

export function isMultiValuer(field: Field): field is MultiValuerField {
  return field.type === 'select' || field.type === 'relation' || field.type === 'file';
}

/** A multi-valuer with maxSelect > 1: stored as a JSON array. */
export function isMultiple(field: Field): boolean {
  return isMultiValuer(field) && field.maxSelect > 1;
}

/** How a plain column reference of the field is typed. */
export interface ColumnTyping {
  readonly kind: ValueKind;
  readonly affinity: Affinity;
}

/**
 * SQLite declares number and bool columns NUMERIC/BOOLEAN (numeric affinity), JSON-stored
 * columns JSON (numeric affinity too) and everything else TEXT. PostgreSQL stores the
 * JSON ones as JSONB, which the filter compiler treats as kind 'json'.
 */
export function columnTyping(field: Field): ColumnTyping {
  switch (field.type) {
    case 'number':
      return { kind: 'number', affinity: 'numeric' };
    case 'bool':
      return { kind: 'bool', affinity: 'numeric' };
    case 'json':
    case 'geoPoint':
      return { kind: 'json', affinity: 'numeric' };
    case 'date':
    case 'autodate':
      return { kind: 'date', affinity: 'text' };
    case 'select':
    case 'relation':
    case 'file':
      return field.maxSelect > 1 ? { kind: 'json', affinity: 'numeric' } : { kind: 'text', affinity: 'text' };
    case 'text':
    case 'email':
    case 'url':
    case 'editor':
    case 'password':
      return { kind: 'text', affinity: 'text' };
  }
}

/** Column storage for the element functions (json_each, array length). */
export function arrayColumnType(field: Field): ArrayColumnType {
  return columnTyping(field).kind === 'json' ? 'json' : 'text';
}

export function fieldByName(collection: Collection, name: string): Field | undefined {
  return collection.fields.find((f) => f.name === name);
}

const UNIQUE_SINGLE_COLUMN = /^\s*CREATE\s+UNIQUE\s+INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?\S+\s+ON\s+\S+\s*\(\s*([^,()]+?)\s*\)/i;

/**
 * Whether the collection declares a unique index on exactly this one column (so a back
 * relation through it reaches at most one row and needs no "all values" check).
 */
export function hasUniqueIndexOn(collection: Collection, column: string): boolean {
  return collection.indexes.some((raw) => {
    const match = UNIQUE_SINGLE_COLUMN.exec(raw);
    if (!match) return false;
    const expr = (match[1] as string).replace(/\s+(?:ASC|DESC)$/i, '').replace(/\s+COLLATE\s+\S+$/i, '');
    const name = expr.replace(/^[`"[]|[`"\]]$/g, '');
    return name.toLowerCase() === column.toLowerCase();
  });
}

/** Quotes an identifier (both engines accept double quotes). */
export function q(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const PG_MAX_IDENTIFIER_BYTES = 63;

/**
 * PostgreSQL truncates identifiers past 63 bytes, which could make two long join aliases
 * collide: long aliases are shortened with a hash of the full name instead.
 */
export function safeAlias(dialect: DialectName, alias: string, hash: (text: string) => number): string {
  if (dialect !== 'postgres' || Buffer.byteLength(alias) <= PG_MAX_IDENTIFIER_BYTES) return alias;
  return `${alias.slice(0, 50)}_${hash(alias).toString(16).padStart(8, '0')}`;
}
