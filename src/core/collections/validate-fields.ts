// Validation of a collection's field list: unique ids and names, the required system
// fields, no removed/renamed system fields, no type changes, reserved names, and each
// field's own options (checked by the field types module).

import type { ErrorData, FieldError } from '../errors/index.js';
import { findFieldById, findFieldByName } from './field-list.js';
import { validateFieldOptions } from './fields/index.js';
import type { Collection, Field } from './model.js';
import {
  FIELD_EMAIL,
  FIELD_EMAIL_VISIBILITY,
  FIELD_ID,
  FIELD_PASSWORD,
  FIELD_TOKEN_KEY,
  FIELD_VERIFIED,
  PG_ROWID_COLUMN,
  RESERVED_AUTH_FIELD_NAMES,
} from './names.js';
import { checkLength, notInError, requiredError, validationError } from './validation-errors.js';

export interface FieldsValidationContext {
  /** The stored state of the collection; null when it is being created. */
  original: Collection | null;
  /** Every stored collection (relation targets). */
  collections: readonly Collection[];
  /** The engine's identifier limit in bytes, if it has one. */
  maxIdentifierBytes?: number;
}

type Errors = Record<string, FieldError | ErrorData>;

/** A length error when `name` exceeds the engine's identifier limit (none when there is no limit). */
export function checkIdentifierLimit(name: string, maxBytes: number | undefined): FieldError | null {
  return maxBytes !== undefined ? checkLength(name, 1, maxBytes) : null;
}

function duplicateFieldsError(fields: readonly Field[]): ErrorData | null {
  const ids = new Set<string>();
  const names = new Set<string>();
  for (const [i, f] of fields.entries()) {
    if (ids.has(f.id)) {
      return {
        [String(i)]: { id: validationError('validation_duplicated_field_id', `Duplicated or invalid field id ${JSON.stringify(f.id)}`) },
      };
    }
    const lower = f.name.toLowerCase();
    if (names.has(lower)) {
      return {
        [String(i)]: {
          name: validationError('validation_duplicated_field_name', 'Duplicated or invalid field name {{.fieldName}}', {
            fieldName: f.name,
          }),
        },
      };
    }
    ids.add(f.id);
    names.add(lower);
  }
  return null;
}

const mustBeSystemAndHidden = (): FieldError =>
  validationError('validation_must_be_system_and_hidden', 'The field must be marked as "System" and "Hidden".');
const mustBeSystem = (): FieldError => validationError('validation_must_be_system', 'The field must be marked as "System".');

function missingSystemField(name: string): FieldError {
  return validationError(`validation_missing_${name}_field`, `System "${name}" field is required.`);
}

function minFieldsError(c: Collection): FieldError | ErrorData | null {
  if (c.fields.length === 0) return requiredError();
  const id = findFieldByName(c.fields, FIELD_ID);
  if (id?.type !== 'text' || !id.primaryKey) {
    return validationError('validation_missing_primary_key', 'Missing or invalid "id" PK field.');
  }
  if (c.type !== 'auth') return null;

  const password = findFieldByName(c.fields, FIELD_PASSWORD);
  if (password?.type !== 'password') return missingSystemField(FIELD_PASSWORD);
  if (!password.hidden || !password.system) return { [FIELD_PASSWORD]: mustBeSystemAndHidden() };

  const tokenKey = findFieldByName(c.fields, FIELD_TOKEN_KEY);
  if (tokenKey?.type !== 'text') return missingSystemField(FIELD_TOKEN_KEY);
  if (!tokenKey.hidden || !tokenKey.system) return { [FIELD_TOKEN_KEY]: mustBeSystemAndHidden() };

  const email = findFieldByName(c.fields, FIELD_EMAIL);
  if (email?.type !== 'email') return missingSystemField(FIELD_EMAIL);
  if (!email.system) return { [FIELD_EMAIL]: mustBeSystem() };

  for (const name of [FIELD_EMAIL_VISIBILITY, FIELD_VERIFIED]) {
    const flag = findFieldByName(c.fields, name);
    if (flag?.type !== 'bool') return missingSystemField(name);
    if (!flag.system) return { [name]: mustBeSystem() };
  }
  return null;
}

function systemFieldsChangeError(c: Collection, original: Collection | null): FieldError | null {
  if (!original) return null;
  for (const old of original.fields) {
    if (!old.system) continue;
    const current = findFieldById(c.fields, old.id);
    if (!current || current.name !== old.name) {
      return validationError('validation_system_field_change', 'System fields cannot be deleted or renamed.');
    }
  }
  return null;
}

function fieldTypeChangeError(c: Collection, original: Collection | null): ErrorData | null {
  if (!original) return null;
  const errors: Errors = {};
  for (const [i, f] of c.fields.entries()) {
    const old = findFieldById(original.fields, f.id);
    if (old && old.type !== f.type) {
      errors[String(i)] = validationError('validation_field_type_change', 'Field type cannot be changed.');
    }
  }
  return Object.keys(errors).length > 0 ? errors : null;
}

function reservedAuthNamesError(c: Collection): ErrorData | null {
  const errors: Errors = {};
  for (const [i, f] of c.fields.entries()) {
    if (RESERVED_AUTH_FIELD_NAMES.includes(f.name)) {
      errors[String(i)] = {
        name: validationError('validation_reserved_field_name', 'The field name is reserved and cannot be used.'),
      };
    }
  }
  return Object.keys(errors).length > 0 ? errors : null;
}

function fieldOptionsErrors(c: Collection, ctx: FieldsValidationContext): ErrorData | null {
  const errors: Errors = {};
  const lowerNames = new Map(ctx.collections.map((o) => [o.name.toLowerCase(), o]));
  const byId = new Map(ctx.collections.map((o) => [o.id, o]));
  // Stored state only, as in PocketBase (a new collection cannot relate to itself yet).
  const findCollection = (idOrName: string): Collection | undefined =>
    byId.get(idOrName) ?? lowerNames.get(idOrName.toLowerCase());
  for (const [i, f] of c.fields.entries()) {
    const e = validateFieldOptions(f, { collection: c, findCollection, oldCollection: ctx.original });
    if (e) {
      errors[String(i)] = e;
    } else if (f.name.toLowerCase() === PG_ROWID_COLUMN) {
      // The hidden insertion-order column of PostgreSQL record tables; reserved on both engines.
      errors[String(i)] = { name: notInError() };
    } else {
      const limit = checkIdentifierLimit(f.name, ctx.maxIdentifierBytes);
      if (limit) errors[String(i)] = { name: limit };
    }
  }
  return Object.keys(errors).length > 0 ? errors : null;
}

export function fieldsError(c: Collection, ctx: FieldsValidationContext): FieldError | ErrorData | null {
  const isView = c.type === 'view';
  return (
    duplicateFieldsError(c.fields) ??
    minFieldsError(c) ??
    (isView ? null : systemFieldsChangeError(c, ctx.original)) ??
    (isView ? null : fieldTypeChangeError(c, ctx.original)) ??
    (c.type === 'auth' ? reservedAuthNamesError(c) : null) ??
    fieldOptionsErrors(c, ctx)
  );
}
