// Field definitions for the tests of this folder: a field of each type with PocketBase's
// defaults, overridable per test.
import type { Field, FieldType } from '../model.js';
import { normalizeField } from './normalize.js';

export function makeField<T extends FieldType>(
  type: T,
  options: Record<string, unknown> = {},
): Extract<Field, { type: T }> {
  return normalizeField({ id: `${type}_id`, name: `${type}_field`, ...options, type }) as Extract<Field, { type: T }>;
}
