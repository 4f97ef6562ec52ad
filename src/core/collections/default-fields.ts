// The fields every collection of a type must have, and the guarantees on them. A base or
// auth collection always has the `id` text primary key; an auth collection also has
// password, tokenKey, email, emailVisibility and verified, plus unique indexes on tokenKey
// and email. Missing ones are added with PocketBase's defaults; present ones keep the
// options a user chose except the flags the system depends on.

import { randomString } from '../../lib/ids.js';
import { addField, buildFieldList, findFieldByName } from './field-list.js';
import { normalizeField } from './fields/index.js';
import { findSingleColumnUniqueIndex } from './index-definition.js';
import type { Collection, Field } from './model.js';
import {
  DEFAULT_ID_PATTERN,
  FIELD_EMAIL,
  FIELD_EMAIL_VISIBILITY,
  FIELD_ID,
  FIELD_PASSWORD,
  FIELD_TOKEN_KEY,
  FIELD_VERIFIED,
} from './names.js';

function newField(options: Record<string, unknown>): Field {
  return normalizeField({ id: '', ...options });
}

/** The default id field of a base/auth collection. */
export function defaultIdField(): Field {
  return newField({
    type: 'text',
    name: FIELD_ID,
    system: true,
    primaryKey: true,
    required: true,
    min: 15,
    max: 15,
    pattern: DEFAULT_ID_PATTERN,
    autogeneratePattern: '[a-z0-9]{15}',
  });
}

/** Name of an index PocketBase generates for a single field: `idx_<field>_<collection id>`, at most 64 chars. */
export function fieldIndexName(collection: Pick<Collection, 'id' | 'name'>, fieldName: string): string {
  const suffix = collection.id || collection.name || randomString(10);
  return `idx_${fieldName}_${suffix}`.slice(0, 64);
}

function ensureIdField(c: Collection): void {
  const field = findFieldByName(c.fields, FIELD_ID);
  if (field?.type !== 'text') {
    c.fields = buildFieldList([defaultIdField(), ...c.fields]);
    return;
  }
  field.system = true;
  field.required = true;
  field.primaryKey = true;
  field.hidden = false;
  if (field.pattern === '') field.pattern = DEFAULT_ID_PATTERN;
}

function ensureAuthFields(c: Collection): void {
  const password = findFieldByName(c.fields, FIELD_PASSWORD);
  if (password?.type === 'password') {
    password.system = true;
    password.hidden = true;
    password.required = true;
  } else {
    addField(c.fields, newField({ type: 'password', name: FIELD_PASSWORD, system: true, hidden: true, required: true, min: 8 }));
  }

  const tokenKey = findFieldByName(c.fields, FIELD_TOKEN_KEY);
  if (tokenKey?.type === 'text') {
    tokenKey.system = true;
    tokenKey.hidden = true;
    tokenKey.required = true;
  } else {
    addField(
      c.fields,
      newField({
        type: 'text',
        name: FIELD_TOKEN_KEY,
        system: true,
        hidden: true,
        min: 30,
        max: 60,
        required: true,
        autogeneratePattern: '[a-zA-Z0-9]{50}',
      }),
    );
  }
  if (!findSingleColumnUniqueIndex(c.indexes, FIELD_TOKEN_KEY)) {
    c.indexes.push(
      `CREATE UNIQUE INDEX \`${fieldIndexName(c, FIELD_TOKEN_KEY)}\` ON \`${c.name}\` (\`${FIELD_TOKEN_KEY}\`)`,
    );
  }

  const email = findFieldByName(c.fields, FIELD_EMAIL);
  if (email?.type === 'email') {
    email.system = true;
    email.hidden = false; // visibility is governed by the emailVisibility flag instead
  } else {
    addField(c.fields, newField({ type: 'email', name: FIELD_EMAIL, system: true, required: true }));
  }
  if (!findSingleColumnUniqueIndex(c.indexes, FIELD_EMAIL)) {
    c.indexes.push(
      `CREATE UNIQUE INDEX \`${fieldIndexName(c, FIELD_EMAIL)}\` ON \`${c.name}\` (\`${FIELD_EMAIL}\`) WHERE \`${FIELD_EMAIL}\` != ''`,
    );
  }

  for (const name of [FIELD_EMAIL_VISIBILITY, FIELD_VERIFIED]) {
    const flag = findFieldByName(c.fields, name);
    if (flag?.type === 'bool') flag.system = true;
    else addField(c.fields, newField({ type: 'bool', name, system: true }));
  }
}

/** Adds or repairs the system fields (and auth indexes) the collection's type requires. */
export function ensureDefaultFields(c: Collection): void {
  switch (c.type) {
    case 'base':
      ensureIdField(c);
      return;
    case 'auth':
      ensureIdField(c);
      ensureAuthFields(c);
      return;
    case 'view':
      return; // view fields come from the query
  }
}
