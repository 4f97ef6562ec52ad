// Validation and persistence of one record inside a transaction: the auth form checks
// (password confirmation, old password, protected email/verified), every field's own
// validation, relation targets, then the row write with unique violations turned into
// field errors. Nothing is written unless everything passes.
import type { Executor } from '../../db/types.js';
import { DbError } from '../../db/errors.js';
import type { Clock } from '../../lib/clock.js';
import type { Collection, Field, RelationField } from '../collections/model.js';
import {
  autodateValue,
  autogenerate,
  hashPassword,
  validateValue,
  verifyPassword,
} from '../collections/fields/index.js';
import { parseIndex } from '../collections/index-definition.js';
import { AppError, fieldError, ValidationError, type ErrorData } from '../errors/index.js';
import { refuseUploads, type FileChanges } from '../files/upload-changes.js';
import { uploadError } from '../files/upload-validation.js';
import type { AppliedInput } from './input.js';
import type { RecordModel } from './record.js';
import { insertRecord, updateRecord } from './repository.js';
import { NO_WRITE_HOOKS, type RecordWriteHooks, type WriteStage } from './write-hooks.js';

export type AccessLevel = 'default' | 'manager' | 'superuser';

export interface SaveOptions {
  isNew: boolean;
  /** The record as stored before this change (updates only). */
  original?: RecordModel;
  applied: AppliedInput;
  access: AccessLevel;
  /** Auth form extras, as submitted. */
  passwordConfirm?: string;
  oldPassword?: string;
  collectionById(id: string): Collection | undefined;
  authCollections(): Collection[];
  clock: Clock;
  /** The transaction's file side: uploads are stored through it (see upload-changes.ts). */
  files?: FileChanges | null;
  /** Extension code around the write's stages (see write-hooks.ts). */
  hooks?: RecordWriteHooks;
}

function failMessage(isNew: boolean): string {
  return isNew ? 'Failed to create record.' : 'Failed to update record.';
}

async function checkAuthForm(record: RecordModel, options: SaveOptions): Promise<ErrorData> {
  const errors: ErrorData = {};
  const { isNew, original, access, applied } = options;
  const manage = access !== 'default';
  const password = applied.plainPasswords.get('password') ?? '';
  const confirm = options.passwordConfirm ?? '';
  const old = options.oldPassword ?? '';
  if (!isNew && !manage && original && record.values.email !== original.values.email) {
    errors.email = fieldError('validation_values_mismatch', 'Values don\'t match.');
  }
  const originalVerified = original ? original.values.verified === true : false;
  if (!manage && (record.values.verified === true) !== originalVerified) {
    errors.verified = fieldError('validation_values_mismatch', 'Values don\'t match.');
  }
  if ((isNew || confirm !== '' || old !== '') && password === '') {
    errors.password = fieldError('validation_required', 'Cannot be blank.');
  }
  if ((isNew || password !== '' || old !== '') && confirm === '') {
    errors.passwordConfirm = fieldError('validation_required', 'Cannot be blank.');
  } else if (confirm !== password) {
    errors.passwordConfirm = fieldError('validation_values_mismatch', 'Values don\'t match.');
  }
  if (!isNew && !manage && (password !== '' || confirm !== '')) {
    if (old === '') {
      errors.oldPassword = fieldError('validation_required', 'Cannot be blank.');
    } else if (!original || !(await verifyPassword(String(original.values.password ?? ''), old))) {
      errors.oldPassword = fieldError('validation_invalid_old_password', 'Missing or invalid old password.');
    }
  }
  return errors;
}

function fillGeneratedValues(record: RecordModel, options: SaveOptions): void {
  const now = options.clock.now();
  for (const field of record.collection.fields) {
    if (field.type === 'autodate') {
      const value = autodateValue(field, options.isNew, now);
      if (value !== undefined) record.values[field.name] = value;
    } else if (
      field.type === 'text' &&
      options.isNew &&
      field.autogeneratePattern &&
      (record.values[field.name] === '' || record.values[field.name] == null)
    ) {
      record.values[field.name] = autogenerate(field);
    }
  }
}

async function relationErrors(exec: Executor, record: RecordModel, options: SaveOptions): Promise<ErrorData> {
  const errors: ErrorData = {};
  for (const field of record.collection.fields) {
    if (field.type !== 'relation') continue;
    const ids = relationIds(record.values[field.name]);
    if (ids.length === 0) continue;
    if (!options.isNew && options.original && sameIds(ids, relationIds(options.original.values[field.name]))) continue;
    const target = options.collectionById((field as RelationField).collectionId);
    if (!target) {
      errors[field.name] = fieldError('validation_missing_rel_collection', 'Relation connection is missing or cannot be accessed.');
      continue;
    }
    const q = exec.dialect.quoteIdent;
    const unique = [...new Set(ids)];
    const rows = await exec.all<{ id: string }>(
      `SELECT "id" FROM ${q(target.name)} WHERE "id" IN (${unique.map(() => '?').join(', ')})`,
      unique,
    );
    if (rows.length !== unique.length) {
      errors[field.name] = fieldError('validation_missing_rel_records', 'Failed to find all relation records with the provided ids.');
    }
  }
  return errors;
}

function relationIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter((v) => v !== '');
  return typeof value === 'string' && value !== '' ? [value] : [];
}

function sameIds(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Turns a unique violation into `validation_not_unique` errors on the index's fields. */
function uniqueErrors(err: DbError, collection: Collection): ErrorData | null {
  if (err.kind !== 'unique_violation') return null;
  const names = new Set(collection.fields.map((f) => f.name));
  const columns = new Set<string>();
  const detail = `${err.constraint ?? ''} ${err.columns.join(' ')}`;
  for (const raw of collection.indexes) {
    const index = parseIndex(raw);
    if (err.constraint && index.indexName === err.constraint) index.columns.forEach((c) => columns.add(c.name));
  }
  err.columns.forEach((c) => columns.add(c));
  if (columns.size === 0 && /\bid\b/.test(detail)) columns.add('id');
  if (columns.size === 0 && err.constraint?.endsWith('_pkey')) columns.add('id');
  const data: ErrorData = {};
  for (const c of columns) if (names.has(c)) data[c] = fieldError('validation_not_unique', 'Value must be unique.');
  return Object.keys(data).length > 0 ? data : null;
}

/**
 * Validates and writes one record: the write stage wraps validation, then the row's write
 * (see write-hooks.ts), all inside the caller's transaction. Resolves with whether it wrote.
 */
export async function saveRecord(exec: Executor, record: RecordModel, options: SaveOptions): Promise<boolean> {
  const hooks = options.hooks ?? NO_WRITE_HOOKS;
  if (!hooks.bound(record.collection)) {
    await validateRecord(exec, record, options);
    await persistRecord(exec, record, options);
    return true;
  }
  const stage: WriteStage = { action: options.isNew ? 'create' : 'update', exec, record, applied: options.applied };
  let written = false;
  await hooks.write(stage, async () => {
    await hooks.validate(stage, () => validateRecord(exec, record, options));
    await hooks.execute(stage, async () => {
      await persistRecord(exec, record, options);
      written = true;
    });
  });
  // False when extension code stopped the chain without calling next(): nothing was written.
  return written;
}

async function validateRecord(exec: Executor, record: RecordModel, options: SaveOptions): Promise<void> {
  const { collection } = record;
  const message = failMessage(options.isNew);

  if (collection.type === 'auth') {
    const formErrors = await checkAuthForm(record, options);
    if (Object.keys(formErrors).length > 0) throw new ValidationError(formErrors, message);
  }

  fillGeneratedValues(record, options);
  // Superusers are verified by definition.
  if (collection.name === '_superusers') record.values.verified = true;

  const errors: ErrorData = {};
  for (const field of collection.fields) {
    const err = validateField(field, record, options) ?? (field.type === 'file' ? uploadError(field, record.values[field.name]) : null);
    if (err) errors[field.name] = err;
  }
  const relErrors = await relationErrors(exec, record, options);
  for (const [name, err] of Object.entries(relErrors)) errors[name] ??= err;
  if (Object.keys(errors).length > 0) throw new ValidationError(errors, message);
}

async function persistRecord(exec: Executor, record: RecordModel, options: SaveOptions): Promise<void> {
  const { collection } = record;
  const message = failMessage(options.isNew);
  for (const [name, plain] of options.applied.plainPasswords) {
    const field = collection.fields.find((f) => f.name === name);
    if (field?.type === 'password' && plain !== '') record.values[name] = await hashPassword(field, plain);
  }
  if (collection.type === 'auth') await prepareAuthSecrets(exec, record, options);
  // Files go to the store before the row is written; a failure from here on rolls them back.
  if (options.files) {
    // A store that fails (S3 down, disk full) fails the write as PocketBase does: a 400
    // with the save's message; the cause goes to the log, the stored part is rolled back.
    await options.files.storeUploads(record).catch((err: unknown) => {
      throw new AppError('bad_request', message, {}, { cause: err });
    });
  } else {
    refuseUploads(record);
  }
  try {
    if (options.isNew) {
      await insertRecord(exec, record);
    } else {
      const changed = collection.fields.map((f) => f.name);
      await updateRecord(exec, record, { fieldNames: changed, previousId: String(options.original?.values.id ?? record.values.id) });
      if (options.original) options.files?.noteRemoved(record, options.original);
    }
  } catch (err) {
    throw rowWriteError(err, record.collection, options.isNew);
  }
}

/**
 * What a failed row write tells the client: a taken unique value is a validation error on its
 * field, a value the engine refuses is a 400; anything else is the server's own failure.
 */
export function rowWriteError(err: unknown, collection: Collection, isNew: boolean): unknown {
  if (!(err instanceof DbError)) return err;
  const message = failMessage(isNew);
  const data = uniqueErrors(err, collection);
  if (data) return new ValidationError(data, message);
  // Values the engine refuses (PostgreSQL "data exception" class 22, e.g. a NUL character
  // in text; SQLite's too-big/mismatch) are the client's input, not a server failure.
  if (err.code?.startsWith('22') || err.code === 'SQLITE_TOOBIG' || err.code === 'SQLITE_MISMATCH') {
    return new AppError('bad_request', message, {}, { cause: err });
  }
  return err;
}

function validateField(field: Field, record: RecordModel, options: SaveOptions) {
  if (field.type === 'password') {
    const plain = options.applied.plainPasswords.get(field.name);
    const hasHash = String(record.values[field.name] ?? '') !== '';
    return validateValue(field, plain ?? '', { isNew: options.isNew, record: record.values, hasHash });
  }
  return validateValue(field, record.values[field.name], {
    isNew: options.isNew,
    record: record.values,
    original: options.original?.values[field.name],
  });
}

/**
 * What an account's old credentials vouched for goes with them (as PocketBase does): a new
 * password forgets the known devices (so each alerts again) and half-finished MFA logins; a new
 * token key voids the one-time codes still pending.
 */
async function forgetAuthState(
  exec: Executor,
  record: RecordModel,
  change: { passwordChanged: boolean; tokenKeyChanged: boolean },
): Promise<void> {
  const refs = [record.collection.id, String(record.values.id)];
  const tables = [...(change.passwordChanged ? ['_authOrigins', '_mfas'] : []), ...(change.tokenKeyChanged ? ['_otps'] : [])];
  for (const table of tables) await exec.run(`DELETE FROM "${table}" WHERE "collectionRef" = ? AND "recordRef" = ?`, refs);
}

async function prepareAuthSecrets(exec: Executor, record: RecordModel, options: SaveOptions): Promise<void> {
  const tokenField = record.collection.fields.find((f) => f.name === 'tokenKey');
  const emailChanged = !options.isNew && options.original && options.original.values.email !== record.values.email;
  const passwordChanged = options.applied.plainPasswords.has('password') && options.applied.plainPasswords.get('password') !== '';
  const needsNewKey =
    !record.values.tokenKey ||
    (!options.isNew && (emailChanged || passwordChanged) && options.original?.values.tokenKey === record.values.tokenKey);
  if (needsNewKey && tokenField?.type === 'text') record.values.tokenKey = autogenerate(tokenField);
  if (!options.isNew) await forgetAuthState(exec, record, { passwordChanged, tokenKeyChanged: options.original?.values.tokenKey !== record.values.tokenKey });
  // Auth record ids are unique across all auth collections (tokens name a record by id).
  if (options.isNew) {
    const q = exec.dialect.quoteIdent;
    for (const other of options.authCollections()) {
      if (other.id === record.collection.id) continue;
      const hit = await exec.get(`SELECT 1 AS "x" FROM ${q(other.name)} WHERE "id" = ? LIMIT 1`, [String(record.values.id)]);
      if (hit) {
        throw new ValidationError(
          { id: fieldError('validation_invalid_auth_id', 'Invalid or duplicated auth record id.') },
          failMessage(options.isNew),
        );
      }
    }
  }
}
