// What a project's migration file gets: the migration's own transaction, and collection
// changes made inside it. Collections go in and out in the collections API's JSON shape, so
// a migration reads like the requests an admin would send, and an automigrate file can
// embed a collection exactly as the API returned it.
//
// Everything here runs in the caller's transaction: a migration that throws leaves nothing
// of itself. The collection cache is not touched; the runner reloads it after the commit.

import type { TransactionExecutor } from '../../db/types.js';
import { notFound, ValidationError } from '../errors/index.js';
import {
  bindCollectionInput,
  cloneCollection,
  collectionToJson,
  deleteCollectionInTx,
  importCollectionsInTx,
  prepareForSave,
  readAllCollections,
  readCollection,
  scaffoldCollection,
  CollectionInputError,
  type Collection,
} from '../collections/index.js';
import { collectErrorsInTx, renumberGeneratedId, writeCollectionInTx, type SaveSettings } from '../collections/collection-save.js';
import type { Clock } from '../../lib/clock.js';

/** A collection in the collections API's JSON shape (what `GET /api/collections/{name}` returns). */
export type CollectionJson = Record<string, unknown>;

export interface MigrationCollections {
  /** The collection with this name or id, or null. */
  find(nameOrId: string): Promise<CollectionJson | null>;
  /**
   * Creates the collection (no stored collection has its `id`, or its `name` when it has no
   * id) or applies the JSON to the stored one, as `POST`/`PATCH /api/collections` would:
   * a `fields` list replaces the stored fields (matched by field id).
   */
  save(collection: CollectionJson): Promise<CollectionJson>;
  /** Deletes the collection and its table or view (refused for system or referenced collections). */
  delete(nameOrId: string): Promise<void>;
  /** `PUT /api/collections/import`: merges the list; `deleteMissing` also drops what it leaves out. */
  import(list: readonly CollectionJson[], deleteMissing?: boolean): Promise<void>;
}

/** The argument of a migration file's `up` and `down`. */
export interface MigrationContext {
  /** The migration's transaction: `run`, `get`, `all`, `exec` with `?` placeholders. */
  readonly db: TransactionExecutor;
  readonly collections: MigrationCollections;
}

export interface ContextOptions {
  settings: SaveSettings;
  clock: Clock;
}

const stringOf = (value: unknown): string => (typeof value === 'string' ? value : '');

async function saveInTx(tx: TransactionExecutor, input: CollectionJson, options: ContextOptions): Promise<Collection> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new CollectionInputError();
  const id = stringOf(input['id']);
  const name = stringOf(input['name']);
  const stored = id !== '' ? await readCollection(tx, id) : await readCollection(tx, name);
  // An id that names another collection is not this one: only an exact id match updates.
  const original = stored && (id === '' || stored.id === id) ? stored : undefined;
  let next: Collection;
  let generatedId: string | undefined;
  if (original) {
    next = cloneCollection(original);
  } else {
    next = scaffoldCollection(stringOf(input['type']), name, { id: id !== '' ? id : undefined, newSecret: options.settings.newSecret });
    generatedId = id === '' ? next.id : undefined;
  }
  bindCollectionInput(next, input);
  prepareForSave(next, { isNew: !original, now: options.clock.now() });
  const collections = await readAllCollections(tx);
  if (generatedId !== undefined && next.id === generatedId) renumberGeneratedId(next, collections);
  const target = { next, original: original ?? null, collections };
  const errors = await collectErrorsInTx(tx, target, options.settings);
  if (errors) throw new ValidationError(errors, `Failed to ${original ? 'update' : 'create'} collection ${JSON.stringify(next.name)}.`);
  await writeCollectionInTx(tx, target, options.settings);
  return next;
}

export function createMigrationContext(tx: TransactionExecutor, options: ContextOptions): MigrationContext {
  return {
    db: tx,
    collections: {
      async find(nameOrId) {
        const found = await readCollection(tx, nameOrId);
        return found ? collectionToJson(found) : null;
      },
      async save(collection) {
        return collectionToJson(await saveInTx(tx, collection, options));
      },
      async delete(nameOrId) {
        const found = await readCollection(tx, nameOrId);
        if (!found) throw notFound(`Collection ${JSON.stringify(nameOrId)} not found.`);
        await deleteCollectionInTx(tx, found);
      },
      async import(list, deleteMissing = false) {
        await importCollectionsInTx(tx, { list, deleteMissing, now: options.clock.now(), settings: options.settings });
      },
    },
  };
}
