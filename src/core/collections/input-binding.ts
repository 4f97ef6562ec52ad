// Binding a decoded JSON body onto an existing value with the semantics PocketBase's
// request binding has (Go's encoding/json into a pre-filled struct): keys are matched
// case-insensitively, absent keys leave the target untouched, `null` clears only nullable
// values (rules, lists) and is ignored elsewhere, nested objects merge key by key, lists
// of objects merge element by element, and a value of the wrong JSON type rejects the
// whole body. Clients rely on the merge: e.g. an update that omits a token secret or an
// OAuth2 client secret keeps the stored one.

import { AppError } from '../errors/index.js';

export const INVALID_BODY_MESSAGE = 'Failed to load the submitted data due to invalid formatting.';

/** The body is not shaped like a collection (wrong JSON types). */
export class CollectionInputError extends AppError {
  constructor(message = INVALID_BODY_MESSAGE, options?: { cause?: unknown }) {
    super('bad_request', message, {}, options);
    this.name = 'CollectionInputError';
  }
}

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Calls `apply(name, value)` for each key of `body` that matches one of `names` (exactly or
 * ignoring case), in the body's key order, so a later duplicate wins as it does in Go.
 */
export function forEachKnownKey(
  body: JsonObject,
  names: readonly string[],
  apply: (name: string, value: unknown) => void,
): void {
  const exact = new Set(names);
  const folded = new Map(names.map((n) => [n.toLowerCase(), n]));
  for (const [key, value] of Object.entries(body)) {
    const name = exact.has(key) ? key : folded.get(key.toLowerCase());
    if (name !== undefined) apply(name, value);
  }
}

/** A string, or undefined for `null` (which leaves a non-nullable string untouched). */
export function readString(value: unknown): string | undefined {
  if (value === null) return undefined;
  if (typeof value !== 'string') throw new CollectionInputError();
  return value;
}

/** A string or null (for nullable values such as rules). */
export function readNullableString(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw new CollectionInputError();
  return value;
}

export function readBool(value: unknown): boolean | undefined {
  if (value === null) return undefined;
  if (typeof value !== 'boolean') throw new CollectionInputError();
  return value;
}

/** An integer within the safe range (Go rejects fractions for integer options). */
export function readInt(value: unknown): number | undefined {
  if (value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new CollectionInputError();
  return value;
}

/** A list of strings; `null` clears it. */
export function readStringList(value: unknown): string[] {
  if (value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new CollectionInputError();
  return [...(value as string[])];
}

/** An object to merge from, or undefined for `null` (merging nothing). */
export function readObject(value: unknown): JsonObject | undefined {
  if (value === null) return undefined;
  if (!isJsonObject(value)) throw new CollectionInputError();
  return value;
}

/** A list whose elements are objects (or nulls); `null` clears it. */
export function readObjectList(value: unknown): Array<JsonObject | null> {
  if (value === null) return [];
  if (!Array.isArray(value) || value.some((v) => v !== null && !isJsonObject(v))) throw new CollectionInputError();
  return value as Array<JsonObject | null>;
}
