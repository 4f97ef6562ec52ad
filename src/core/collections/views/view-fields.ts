// The fields of a view collection, inferred from its query the way PocketBase does: a
// column that is a collection field keeps that field's type and options (under the
// column's alias), a collection's `id` becomes a single relation to it, count()/total()
// and casts become numbers, text or bools, and anything else is a json field. The `id`
// column is always the text primary key.

import { randomString } from '../../../lib/ids.js';
import { addField, cloneField } from '../field-list.js';
import { normalizeField } from '../fields/index.js';
import type { Collection, Field } from '../model.js';
import { DEFAULT_ID_PATTERN, FIELD_ID } from '../names.js';
import { parseViewQuery, ViewQueryError, type QueryIdentifier } from './view-query.js';

const CLONE_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const CAST_PATTERN = /^cast\s*\(.*\s+as\s+(\w+)\s*\)$/is;

function field(options: Record<string, unknown>): Field {
  return normalizeField({ id: '', ...options });
}

/** The view's `id` field: a required text primary key without length limits or generation. */
export function defaultViewIdField(): Field {
  return field({ type: 'text', name: FIELD_ID, system: true, required: true, primaryKey: true, pattern: DEFAULT_ID_PATTERN });
}

function defaultViewField(name: string): Field {
  if (name === FIELD_ID) return defaultViewIdField();
  return field({ type: 'json', name, maxSize: 1 });
}

function castField(alias: string, castType: string): Field | null {
  switch (castType) {
    case 'real':
    case 'decimal':
    case 'numeric':
      return field({ type: 'number', name: alias });
    case 'int':
    case 'integer':
      return field({ type: 'number', name: alias, onlyInt: true });
    case 'text':
      return field({ type: 'text', name: alias });
    case 'boolean':
    case 'bool':
      return field({ type: 'bool', name: alias });
    default:
      return null;
  }
}

function collectionsByAlias(tables: QueryIdentifier[], collections: readonly Collection[]): Map<string, Collection> {
  const result = new Map<string, Collection>();
  for (const table of tables) {
    if (table.alias.includes('(')) continue; // an expression, not a table
    const match = collections.find((c) => c.name === table.original);
    if (match) result.set(table.alias, match);
  }
  return result;
}

export interface SuggestOptions {
  /** Random suffix for cloned field ids (injectable for tests). */
  randomSuffix?: () => string;
}

/** Field suggestions keyed by column alias, from the query text alone. */
export function suggestViewFields(
  query: string,
  collections: readonly Collection[],
  options: SuggestOptions = {},
): Map<string, Field> {
  const parsed = parseViewQuery(query);
  const byAlias = collectionsByAlias(parsed.tables, collections);
  const mainAlias = parsed.tables[0]?.alias;
  const suffix = options.randomSuffix ?? (() => randomString(4, CLONE_ID_ALPHABET));
  const result = new Map<string, Field>();
  const cloneIds = new Set<string>();

  for (const col of parsed.columns) {
    if (col.alias === '*') {
      throw new ViewQueryError(
        'wildcard columns (*) are not supported - manually type the collection field names you want the view query to have',
      );
    }
    const lower = col.original.toLowerCase();
    if (col.alias === FIELD_ID) {
      result.set(col.alias, defaultViewIdField());
      continue;
    }
    if (lower.startsWith('count(')) {
      result.set(col.alias, field({ type: 'number', name: col.alias, onlyInt: true }));
      continue;
    }
    if (lower.startsWith('total(')) {
      result.set(col.alias, field({ type: 'number', name: col.alias }));
      continue;
    }
    const cast = CAST_PATTERN.exec(lower);
    const fromCast = cast ? castField(col.alias, cast[1] as string) : null;
    if (fromCast) {
      result.set(col.alias, fromCast);
      continue;
    }

    const parts = col.original.split('.');
    const [fieldName, collection] =
      parts.length === 2
        ? [parts[1] as string, byAlias.get(parts[0] as string)]
        : [parts[0] as string, mainAlias !== undefined ? byAlias.get(mainAlias) : undefined];

    const source = collection?.fields.find((f) => f.name.toLowerCase() === fieldName.toLowerCase());
    if (!collection || !source) {
      result.set(col.alias, defaultViewField(col.alias));
      continue;
    }
    if (fieldName.toLowerCase() === FIELD_ID) {
      result.set(col.alias, field({ type: 'relation', name: col.alias, maxSelect: 1, collectionId: collection.id }));
      continue;
    }
    const clone = cloneField(source);
    // Distinct ids even when a field is selected twice (ids, not names, identify fields).
    let id = `_clone_${suffix()}`;
    for (let attempt = 2; cloneIds.has(id); attempt++) id = `_clone_${suffix()}${attempt > 10 ? attempt : ''}`;
    cloneIds.add(id);
    clone.id = id;
    clone.name = col.alias;
    result.set(col.alias, clone);
  }
  return result;
}

/**
 * The view's fields in result-column order (`columns` as the database reports them),
 * from the suggestions of `suggestViewFields`. Throws ViewQueryError without an `id` column.
 */
export function buildViewFields(suggested: ReadonlyMap<string, Field>, columns: readonly string[]): Field[] {
  if (!columns.includes(FIELD_ID)) {
    throw new ViewQueryError(
      "missing required id column (you can use `(ROW_NUMBER() OVER()) as id` if you don't have one)",
    );
  }
  const fields: Field[] = [];
  for (const name of columns) {
    const suggestion = suggested.get(name);
    addField(fields, suggestion ? cloneField(suggestion) : defaultViewField(name));
  }
  return fields;
}
