// Importing collection definitions (PUT /api/collections/import), with PocketBase's
// semantics, all in one transaction:
//
// 1. each item is matched by its id (or its name when it has no id) to a stored
//    collection and merged onto it, or becomes a new collection. A merged collection
//    keeps the stored fields the item leaves out, so an import never drops a column
//    unless `deleteMissing` asks for it (system fields are always kept);
// 2. with `deleteMissing`, stored non-system collections absent from the list are
//    deleted first (without the reference checks of a normal delete: the import as a
//    whole is validated at the end), so their names can be reused;
// 3. every item is written (views last, since they read the others), and only then
//    validated against the resulting schema, so items may refer to each other.
// Any failure rolls everything back.

import { isDbError } from '../../db/errors.js';
import type { TransactionExecutor } from '../../db/types.js';
import { AppError, ValidationError, type ErrorData, type FieldError } from '../errors/index.js';
import { bindCollectionInput, cloneCollection, prepareForSave, scaffoldCollection } from './collection-input.js';
import { collectErrorsInTx, renumberGeneratedId, writeCollectionInTx, type SaveSettings } from './collection-save.js';
import { deleteAuthRefRows } from './collection-delete.js';
import type { CollectionService } from './collection-service.js';
import { HookedChange, type CollectionWriteAction, type CollectionWriteHooks } from './write-hooks.js';
import { deleteCollectionRow, readAllCollections, type CollectionStore } from './collection-store.js';
import { addField, cloneField, findFieldById, findFieldByName } from './field-list.js';
import { CollectionInputError, isJsonObject, type JsonObject } from './input-binding.js';
import type { Collection } from './model.js';
import { validationError } from './validation-errors.js';
import { ViewQueryError } from './views/view-query.js';

const FAILED = 'Failed to import collections.';
const IMPORT_FAILURE_CODE = 'validation_collections_import_failure';
const GENERIC_REASON = 'Failed to import the collections configuration.';

export interface ImportOptions {
  /** The collections, in the collections API's JSON shape. */
  list: readonly unknown[];
  /** Delete the non-system collections and fields the list leaves out. */
  deleteMissing: boolean;
  now: Date;
  settings: SaveSettings;
  /** Extension code around each collection the import creates, updates or deletes; the changes are collected in `changes`. */
  hooks?: { write: CollectionWriteHooks; changes: HookedChange[] };
}

interface PlannedSave {
  next: Collection;
  /** The stored collection it updates; null when it is new. */
  original: Collection | null;
  /** The id derived from type and name, renumbered if it is taken. */
  generatedId?: string;
  /** Timestamps of the item (an exported collection carries them), for ordering only. */
  created: string;
  updated: string;
}

/** One import step failed for a reason that is safe to show. */
class ImportStepError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'ImportStepError';
  }
}

function stringOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new CollectionInputError();
  return value;
}

function findStored(stored: readonly Collection[], identifier: string): Collection | undefined {
  if (identifier === '') return undefined;
  const lower = identifier.toLowerCase();
  return stored.find((c) => c.id === identifier) ?? stored.find((c) => c.name.toLowerCase() === lower);
}

function planItem(item: unknown, stored: readonly Collection[], options: ImportOptions): PlannedSave {
  if (!isJsonObject(item)) throw new CollectionInputError();
  const id = stringOf(item['id']);
  const name = stringOf(item['name']);
  const created = typeof item['created'] === 'string' ? item['created'] : '';
  const updated = typeof item['updated'] === 'string' ? item['updated'] : '';
  const existing = findStored(stored, id !== '' ? id : name);

  if (!existing) {
    const next = scaffoldCollection(stringOf(item['type']), name, {
      id: id !== '' ? id : undefined,
      newSecret: options.settings.newSecret,
    });
    const generatedId = id === '' ? next.id : undefined;
    bindCollectionInput(next, item);
    return { next, original: null, generatedId, created, updated };
  }

  const next = cloneCollection(existing);
  const body: JsonObject = { ...item };
  if ((body['fields'] ?? null) === null && options.deleteMissing) body['fields'] = [];
  bindCollectionInput(next, body);
  for (const field of existing.fields) {
    if (options.deleteMissing && !field.system) continue;
    if (findFieldById(next.fields, field.id)) continue;
    // A field imported without its stored id but under the same name and type is the
    // stored field (keeping its column); the stored definition wins, as in PocketBase.
    const sameName = findFieldByName(next.fields, field.name);
    if (sameName?.type === field.type) sameName.id = field.id;
    addField(next.fields, cloneField(field));
  }
  return { next, original: existing, created: created || existing.created, updated: updated || existing.updated };
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Views last (they read the others), then by creation and update time; stable otherwise. */
function orderPlan(plan: PlannedSave[]): PlannedSave[] {
  return [...plan].sort(
    (a, b) =>
      Number(a.next.type === 'view') - Number(b.next.type === 'view') ||
      compareText(a.created, b.created) ||
      compareText(a.updated, b.updated),
  );
}

/**
 * Drops a collection's table or view and its definition, without checks. PostgreSQL
 * refuses to drop what a view reads unless told to cascade: with `deleteMissing` every
 * view collection is either deleted by this import too or saved again (which re-creates
 * its view, or fails the import if its query no longer runs). SQL views that are not
 * collections go with the cascade; on SQLite they would be left unreadable instead.
 */
async function deleteUnchecked(tx: TransactionExecutor, c: Collection): Promise<void> {
  const kind = c.type === 'view' ? 'VIEW' : 'TABLE';
  const cascade = tx.dialect.name === 'postgres' ? ' CASCADE' : '';
  await tx.run(`DROP ${kind} IF EXISTS ${tx.dialect.quoteIdent(c.name)}${cascade}`);
  await deleteAuthRefRows(tx, c);
  await deleteCollectionRow(tx, c.id);
}

async function writeItem(tx: TransactionExecutor, item: PlannedSave, options: ImportOptions): Promise<void> {
  const collections = await readAllCollections(tx);
  prepareForSave(item.next, { isNew: item.original === null, now: options.now });
  if (item.generatedId !== undefined && item.next.id === item.generatedId) renumberGeneratedId(item.next, collections);
  try {
    await writeCollectionInTx(tx, { next: item.next, original: item.original, collections }, options.settings);
  } catch (err) {
    const label = `collection ${JSON.stringify(item.next.name)}`;
    if (err instanceof ViewQueryError) throw new ImportStepError(`Failed to save ${label} - invalid view query: ${err.message}.`, { cause: err });
    if (isDbError(err)) throw new ImportStepError(`Failed to save ${label}.`, { cause: err });
    throw err;
  }
}

/**
 * One change of the import through the collection write hooks (when given): the write and
 * execute stages; validation runs once every change is written, for the whole set.
 */
async function hooked(
  tx: TransactionExecutor,
  change: { action: CollectionWriteAction; collection: Collection },
  options: ImportOptions,
  run: (collection: Collection) => Promise<void>,
): Promise<void> {
  if (!options.hooks) return run(change.collection);
  const hookedChange = new HookedChange(options.hooks.write, change);
  options.hooks.changes.push(hookedChange);
  await hookedChange.write(tx, (stage) => hookedChange.execute(stage, () => run(stage.collection)));
}

/** Imports the collections in the caller's transaction; throws on the first failure. */
export async function importCollectionsInTx(tx: TransactionExecutor, options: ImportOptions): Promise<Collection[]> {
  if (options.list.length === 0) throw new ImportStepError('There are no collections to import.');
  const stored = await readAllCollections(tx);
  const plan = orderPlan(options.list.map((item) => planItem(item, stored, options)));

  if (options.deleteMissing) {
    const kept = new Set(plan.map((p) => p.next.id));
    const byUpdate = [...stored].sort((a, b) => compareText(a.updated, b.updated));
    for (const c of byUpdate) {
      if (!c.system && !kept.has(c.id)) await hooked(tx, { action: 'delete', collection: c }, options, (target) => deleteUnchecked(tx, target));
    }
  }

  for (const item of plan) {
    const action = item.original === null ? 'create' : 'update';
    await hooked(tx, { action, collection: item.next }, options, (target) => writeItem(tx, { ...item, next: target }, options));
  }

  const collections = await readAllCollections(tx);
  for (const item of plan) {
    // A new collection is checked as an unchanged update of itself, as PocketBase does.
    const target = { next: cloneCollection(item.next), original: item.original ?? item.next, collections };
    const errors = await collectErrorsInTx(tx, target, options.settings);
    if (errors) {
      const details = goIndentedJson(plainErrors(errors));
      const reason = `Data validations failed for collection ${JSON.stringify(item.next.name)} (${item.next.id}):\n${details}`;
      throw new ValidationError({ collections: validationError(IMPORT_FAILURE_CODE, reason) });
    }
  }
  return plan.map((p) => p.next);
}

/** The API error for a failed import: field errors as they are, anything else as one import failure. */
export function importFailure(err: unknown): unknown {
  if (err instanceof ValidationError) return new AppError('bad_request', FAILED, err.data, { cause: err });
  // Malformed items (CollectionInputError) and engine errors get the generic reason.
  if (!(err instanceof ImportStepError) && !(err instanceof AppError) && !isDbError(err)) return err;
  const reason = err instanceof ImportStepError ? err.message : GENERIC_REASON;
  const data: ErrorData = { collections: validationError(IMPORT_FAILURE_CODE, reason) };
  return new AppError('bad_request', FAILED, data, { cause: err });
}

function isFieldError(value: FieldError | ErrorData): value is FieldError {
  return typeof value['code'] === 'string' && typeof value['message'] === 'string';
}

/** Error data as PocketBase prints it in an import failure: each error as its message. */
function plainErrors(data: ErrorData): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, isFieldError(v) ? v.message : plainErrors(v)]));
}

/** Indented JSON with sorted keys and HTML-safe escapes, the way Go prints a map. */
function goIndentedJson(value: unknown, indent = ''): string {
  const quote = (s: string): string =>
    JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (typeof value === 'string') return quote(value);
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).sort(compareText);
  if (keys.length === 0) return '{}';
  const inner = `${indent}  `;
  return `{\n${keys.map((k) => `${inner}${quote(k)}: ${goIndentedJson(object[k], inner)}`).join(',\n')}\n${indent}}`;
}

/**
 * The collections import use case: `CollectionService.importCollections`, which also
 * refreshes the service's cache (the store argument is that same cache).
 */
export async function importCollections(
  service: CollectionService,
  _store: CollectionStore,
  list: readonly unknown[],
  deleteMissing: boolean,
): Promise<void> {
  await service.importCollections(list, deleteMissing);
}
