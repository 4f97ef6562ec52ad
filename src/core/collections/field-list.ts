// A collection's ordered field list, with PocketBase's rules for adding fields: a field
// without an id gets a generated one (type + checksum of its name, suffixed 2, 3, ... if
// taken) and replaces an existing field of the same name in place; a field with an id
// replaces the field with that id in place; anything else is appended.

import { CollectionInputError } from './input-binding.js';
import type { Field } from './model.js';
import { newFieldId, normalizeField } from './fields/index.js';

export function findFieldByName(fields: readonly Field[], name: string): Field | undefined {
  return fields.find((f) => f.name === name);
}

export function findFieldById(fields: readonly Field[], id: string): Field | undefined {
  return fields.find((f) => f.id === id);
}

function uniqueFieldId(fields: readonly Field[], field: Field): string {
  const base = newFieldId(field.type, field.name);
  let id = base;
  for (let i = 2; i < 1000 && findFieldById(fields, id); i++) id = `${base}${i}`;
  return id;
}

/** Adds `field` to `fields` (mutating both) following the rules above. */
export function addField(fields: Field[], field: Field): void {
  const byName = field.id === '';
  if (byName) field.id = uniqueFieldId(fields, field);
  for (let i = 0; i < fields.length; i++) {
    const existing = fields[i] as Field;
    if (byName ? field.name !== '' && existing.name === field.name : existing.id === field.id) {
      if (byName) field.id = existing.id;
      fields[i] = field;
      return;
    }
  }
  fields.push(field);
}

/** Builds a list from fields in order, applying the add rules to each. */
export function buildFieldList(fields: readonly Field[]): Field[] {
  const list: Field[] = [];
  for (const f of fields) addField(list, f);
  return list;
}

/** A field from raw JSON options; wrong shapes reject the whole body as PocketBase does. */
export function fieldFromJson(raw: unknown): Field {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CollectionInputError();
  const withId = { ...(raw as Record<string, unknown>) };
  if (withId['id'] === undefined || withId['id'] === null) withId['id'] = '';
  try {
    return normalizeField(withId);
  } catch (err) {
    throw new CollectionInputError(undefined, { cause: err });
  }
}

/** Parses a JSON list of fields (request body or stored `_collections.fields`). */
export function fieldListFromJson(raw: unknown): Field[] {
  if (raw === null || raw === undefined) return [];
  if (!Array.isArray(raw)) throw new CollectionInputError();
  return buildFieldList(raw.map(fieldFromJson));
}

export function cloneField<T extends Field>(field: T): T {
  return structuredClone(field);
}

/** Field JSON with keys in alphabetical order, the order PocketBase writes them in. */
export function fieldToJson(field: Field): Record<string, unknown> {
  const entries = Object.entries(field as unknown as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries);
}
