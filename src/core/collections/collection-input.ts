// Building a collection from the collections API body: the scaffold a new collection
// starts from (PocketBase's factory defaults for its type), binding a body onto a
// scaffold or onto a stored collection, and the normalisation every save applies.

import { crc32 } from '../../lib/crc32.js';
import { formatDateTime } from '../../lib/dates.js';
import { defaultAuthOptions, newTokenSecret } from './auth-defaults.js';
import { bindAuthOptions, zeroAuthOptions } from './auth-options.js';
import { ensureDefaultFields } from './default-fields.js';
import { buildFieldList, findFieldByName, fieldListFromJson } from './field-list.js';
import { buildIndex, parseIndex } from './index-definition.js';
import {
  forEachKnownKey,
  readBool,
  readNullableString,
  readString,
  readStringList,
  type JsonObject,
} from './input-binding.js';
import type { Collection, CollectionType } from './model.js';

export const COLLECTION_TYPES: readonly CollectionType[] = ['base', 'auth', 'view'];

export function isCollectionType(value: unknown): value is CollectionType {
  return typeof value === 'string' && (COLLECTION_TYPES as readonly string[]).includes(value);
}

/** The id PocketBase derives for a new collection: `pbc_` + CRC-32 of type and name. */
export function collectionIdFor(type: string, name: string): string {
  return `pbc_${crc32(type + name)}`;
}

export interface ScaffoldOptions {
  /** An explicit id; by default the derived `pbc_<crc32>` one. */
  id?: string;
  /** Secret generator for auth token configs (injectable for tests). */
  newSecret?: () => string;
}

/**
 * A new collection of `type` (anything but `auth`/`view` means `base`) named `name`,
 * with its type's default fields and, for auth, default options.
 */
export function scaffoldCollection(type: string, name: string, options: ScaffoldOptions = {}): Collection {
  const resolvedType: CollectionType = type === 'auth' || type === 'view' ? type : 'base';
  const c: Collection = {
    id: options.id ?? collectionIdFor(resolvedType, name),
    name,
    type: resolvedType,
    system: false,
    fields: [],
    indexes: [],
    listRule: null,
    viewRule: null,
    createRule: null,
    updateRule: null,
    deleteRule: null,
    created: '',
    updated: '',
  };
  if (resolvedType === 'auth') c.auth = defaultAuthOptions(options.newSecret ?? newTokenSecret);
  if (resolvedType === 'view') c.viewQuery = '';
  ensureDefaultFields(c);
  return c;
}

const BASE_KEYS = [
  'id',
  'name',
  'type',
  'system',
  'listRule',
  'viewRule',
  'createRule',
  'updateRule',
  'deleteRule',
  'fields',
  'indexes',
  'viewQuery',
] as const;

/**
 * Merges a collections API body into `c` (mutating it): present keys overwrite, absent
 * keys are kept, `fields` and `indexes` are replaced as a whole, auth options merge.
 * The type may be set to an unknown string here; validation reports it.
 */
export function bindCollectionInput(c: Collection, body: JsonObject): void {
  forEachKnownKey(body, BASE_KEYS, (key, value) => {
    switch (key) {
      case 'id':
      case 'name':
      case 'viewQuery': {
        const s = readString(value);
        if (s !== undefined) c[key] = s;
        return;
      }
      case 'type': {
        const s = readString(value);
        if (s !== undefined) (c as { type: string }).type = s;
        return;
      }
      case 'system': {
        const b = readBool(value);
        if (b !== undefined) c.system = b;
        return;
      }
      case 'listRule':
      case 'viewRule':
      case 'createRule':
      case 'updateRule':
      case 'deleteRule':
        c[key] = readNullableString(value);
        return;
      case 'fields':
        c.fields = fieldListFromJson(value);
        return;
      case 'indexes':
        c.indexes = readStringList(value);
        return;
    }
  });
  // Auth keys are type-checked even for other types (and then ignored), like PocketBase.
  bindAuthOptions(c.auth ?? zeroAuthOptions(), body);
}

export interface PrepareOptions {
  isNew: boolean;
  now: Date;
}

/**
 * What every save does before validation: default type and id, timestamps, field ids,
 * the type's system fields, OAuth2 mappings that point at removed fields cleared, and
 * index statements re-targeted at the collection's current name.
 */
export function prepareForSave(c: Collection, { isNew, now }: PrepareOptions): void {
  if ((c.type as string) === '') c.type = 'base';
  if (isNew) {
    if (c.id === '') c.id = collectionIdFor(c.type, c.name);
    c.created = formatDateTime(now);
  }
  c.updated = formatDateTime(now);
  c.fields = buildFieldList(c.fields);
  if (c.type === 'auth' && !c.auth) c.auth = zeroAuthOptions();
  ensureDefaultFields(c);

  if (c.type === 'auth' && c.auth) {
    const mapped = c.auth.oauth2.mappedFields;
    for (const key of ['id', 'name', 'username', 'avatarURL'] as const) {
      if (mapped[key] !== '' && !findFieldByName(c.fields, mapped[key])) mapped[key] = '';
    }
  }

  c.indexes = c.indexes.map((raw) => {
    const parsed = parseIndex(raw);
    if (parsed.tableName === c.name) return raw;
    parsed.tableName = c.name;
    const rebuilt = buildIndex(parsed);
    return rebuilt === '' ? raw : rebuilt; // invalid ones are left for validation to report
  });
}

/** A deep copy, safe to modify without touching a cached collection. */
export function cloneCollection(c: Collection): Collection {
  return structuredClone(c);
}
