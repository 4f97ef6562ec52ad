// A collection as JSON in PocketBase's shape and key order: the collections API response
// (without secrets) and the `options` document stored in `_collections` (with them).

import { authOptionsToJson } from './auth-options.js';
import { fieldToJson } from './field-list.js';
import type { JsonObject } from './input-binding.js';
import type { Collection } from './model.js';

/**
 * The collections API shape: base properties, then for auth collections their options at
 * the top level, for views their `viewQuery`. Token and OAuth2 client secrets are left
 * out (they are for the server only).
 */
export function collectionToJson(c: Collection): JsonObject {
  const out: JsonObject = {
    id: c.id,
    listRule: c.listRule,
    viewRule: c.viewRule,
    createRule: c.createRule,
    updateRule: c.updateRule,
    deleteRule: c.deleteRule,
    name: c.name,
    type: c.type,
    fields: c.fields.map(fieldToJson),
    indexes: [...c.indexes],
    created: c.created,
    updated: c.updated,
    system: c.system,
  };
  switch (c.type) {
    case 'auth':
      if (c.auth) Object.assign(out, authOptionsToJson(c.auth, { secrets: false }));
      break;
    case 'view':
      out['viewQuery'] = c.viewQuery ?? '';
      break;
    case 'base':
      break;
  }
  return out;
}

/** The `_collections.options` document: auth options with secrets, `{viewQuery}` for views, `{}` otherwise. */
export function collectionOptionsJson(c: Collection): JsonObject {
  switch (c.type) {
    case 'auth':
      return c.auth ? authOptionsToJson(c.auth, { secrets: true }) : {};
    case 'view':
      return { viewQuery: c.viewQuery ?? '' };
    case 'base':
      return {};
  }
}
