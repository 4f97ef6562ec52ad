// Field types: everything that differs per type of collection field — option defaults
// and validation, column definitions, value normalisation, validation and storage —
// following PocketBase's semantics so records read and written here behave the same there.
import { formatDateTime } from '../../../lib/dates.js';
import { crc32 } from '../../../lib/crc32.js';
import type { AutodateField, Field, FieldType } from '../model.js';
import { randomStringFromPattern, type RandomInt } from './random-by-pattern.js';

export { normalizeField, fieldOptionNames, isFieldType } from './normalize.js';
export { validateFieldOptions, type FieldOptionsContext } from './options.js';
export { columnDefinition } from './columns.js';
export {
  isMultiValue,
  zeroValue,
  prepareValue,
  applyModifier,
  supportsModifier,
  ignoresInput,
  isFileUpload,
  type FileItem,
  type FileUpload,
  type GeoPoint,
  type WriteModifier,
} from './values.js';
export { validateValue, DEFAULT_ID_PATTERN, type ValueContext } from './validate-value.js';
export { databaseChecks, type DatabaseCheck } from './database-checks.js';
export { encodeValue, decodeValue } from './codec.js';
export {
  PlainPassword,
  isPlainPassword,
  hashPassword,
  hashPasswordSync,
  verifyPassword,
  verifyAgainstNothing,
  passwordCost,
  DEFAULT_BCRYPT_COST,
} from './password.js';
export { randomStringFromPattern, PatternError, type RandomInt } from './random-by-pattern.js';
export { sentenize } from './messages.js';

/**
 * The generated id of a new field, as PocketBase makes it: the type followed by the
 * decimal CRC-32 of the name (e.g. `geoPoint3081106212`). When that id is taken, PocketBase
 * appends 2, 3, … — pass the ids already in the collection to get the same result.
 */
export function newFieldId(type: FieldType, name: string, taken: Iterable<string> = []): string {
  const base = `${type}${crc32(name)}`;
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let i = 2; i < 1000; i++) {
    const candidate = `${base}${i}`;
    if (!used.has(candidate)) return candidate;
  }
  return base;
}

/**
 * A value for a text field's `autogeneratePattern`, appended to `prefix` (the
 * `field:autogenerate` write key). Fields without a pattern just get the prefix back.
 */
export function autogenerate(field: Field, prefix = '', random?: RandomInt): string {
  if (field.type !== 'text' || field.autogeneratePattern === '') return prefix;
  return prefix + randomStringFromPattern(field.autogeneratePattern, random);
}

/**
 * The value an autodate field takes when a record is written: `now` on create when
 * `onCreate` is set, on update when `onUpdate` is set; undefined means "keep the value".
 */
export function autodateValue(field: AutodateField, isCreate: boolean, now: Date): string | undefined {
  return (isCreate ? field.onCreate : field.onUpdate) ? formatDateTime(now) : undefined;
}
