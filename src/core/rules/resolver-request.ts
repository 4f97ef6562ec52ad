// `@request.*` values known when the filter is compiled: the static request map, nested
// value lookup and PocketBase's conversions of request values into bound parameters.
import { FilterError, type ResolvedValue } from '../../filter/index.js';
import type { RequestInfo } from './request-info.js';

/** Auth fields read from the request itself; every other `@request.auth.*` is joined. */
export const PLAIN_AUTH_FIELDS: ReadonlySet<string> = new Set(['id', 'collectionId', 'collectionName', 'email', 'emailVisibility', 'verified']);

export const MODIFIERS = ['isset', 'each', 'length', 'lower', 'changed'] as const;
export type Modifier = (typeof MODIFIERS)[number];

/** Splits `name:modifier`; a second colon means no modifier (the name keeps it). */
export function splitModifier(combined: string): { name: string; modifier: Modifier | undefined } {
  const parts = combined.split(':');
  if (parts.length !== 2) return { name: combined, modifier: undefined };
  const [name = '', modifier = ''] = parts;
  if ((MODIFIERS as readonly string[]).includes(modifier)) return { name, modifier: modifier as Modifier };
  throw new FilterError('unknown_field', `Unknown modifier in ${JSON.stringify(combined.slice(0, 60))}.`);
}

/** The map `@request.<key>…` paths are looked up in. */
export function staticRequestMap(request: RequestInfo): Record<string, unknown> {
  const auth = request.auth
    ? { ...request.auth.values, collectionId: request.auth.collection.id, collectionName: request.auth.collection.name }
    : null;
  return {
    context: request.context,
    method: request.method,
    query: request.query,
    headers: normaliseHeaders(request.headers),
    body: request.body,
    auth,
  };
}

/** Header names as rules see them: lower case, `-` as `_`. */
export function normaliseHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) out[key.toLowerCase().replaceAll('-', '_')] = value;
  return out;
}

const MISSING = Symbol('missing');

/** Follows a key path through objects and arrays (numeric keys index arrays). */
export function lookupPath(root: unknown, keys: readonly string[]): unknown {
  let current: unknown = root;
  for (const key of keys) {
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(key)) return MISSING;
      const index = Number(key);
      if (index >= current.length) return MISSING;
      current = current[index];
    } else if (current !== null && typeof current === 'object') {
      if (!Object.hasOwn(current, key)) return MISSING;
      current = (current as Record<string, unknown>)[key];
    } else {
      return MISSING;
    }
  }
  return current;
}

export function isMissing(value: unknown): boolean {
  return value === MISSING;
}

/**
 * JSON as Go's encoder writes it (what PocketBase binds for non-scalar request values):
 * object keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped.
 */
export function goJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  const text = JSON.stringify(sorted(value)) ?? 'null';
  return text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A request value as a bound constant (numbers stay REAL, objects become their JSON). */
export function requestValue(value: unknown): ResolvedValue {
  if (value === null || value === undefined) return { type: 'value', value: null };
  if (typeof value === 'string' || typeof value === 'boolean') return { type: 'value', value };
  if (typeof value === 'number') return { type: 'value', value: Number.isFinite(value) ? value : null };
  if (typeof value === 'bigint') return { type: 'value', value: Number(value), integer: true };
  return { type: 'value', value: goJson(value) };
}

/** PocketBase's string cast of a request value (`:lower` of body fields). */
export function castToString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return '';
}

/** A request value as a list (nil → empty, scalar → one item). */
export function toList(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Relation ids from a request value: strings, arrays, or a JSON array in a string; unique. */
export function toIdList(value: unknown): string[] {
  let items: unknown[];
  if (typeof value === 'string' && value.trim().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(value);
      items = Array.isArray(parsed) ? parsed : [value];
    } catch {
      items = [value];
    }
  } else {
    items = toList(value);
  }
  const ids = items.filter((v) => v !== null && v !== undefined && v !== '').map((v) => (typeof v === 'string' ? v : String(v)));
  return [...new Set(ids)];
}
