// The collections use cases: create, update, delete and import collections (definition
// and schema together, in one transaction), try a view query, and the scaffolds the admin
// UI starts new collections from. Each save follows PocketBase's order: bind the body onto
// the stored (or scaffold) collection, normalise, validate against the current database,
// then write `_collections` and apply the DDL; the cache is refreshed after the commit.

import { systemClock, type Clock } from '../../lib/clock.js';
import { randomString } from '../../lib/ids.js';
import { isDbError } from '../../db/errors.js';
import type { Database } from '../../db/types.js';
import { AppError, notFound, ValidationError, type FieldError } from '../errors/index.js';
import { newTokenSecret } from './auth-defaults.js';
import { collectionToJson } from './collection-json.js';
import { bindCollectionInput, cloneCollection, prepareForSave, scaffoldCollection } from './collection-input.js';
import {
  collectErrorsInTx,
  invalidViewQuery,
  renumberGeneratedId,
  writeCollectionInTx,
  type SaveSettings,
} from './collection-save.js';
import { readAllCollections, readCollection, updateCollectionRow, type CollectionStore } from './collection-store.js';
import { deleteCollectionInTx } from './collection-delete.js';
import { fieldToJson } from './field-list.js';
import { importCollectionsInTx, importFailure } from './import.js';
import { CollectionInputError, isJsonObject, type JsonObject } from './input-binding.js';
import type { Collection, CollectionType } from './model.js';
import type { RuleCheckInput } from './validate.js';
import { ViewQueryError } from './views/view-query.js';
import { createViewFields, inRolledBackSavepoint, saveViewCollection, tryViewQuery, type ViewTrial } from './views/view-schema.js';
import { HookedChange, NO_COLLECTION_WRITE_HOOKS, type CollectionWriteHooks } from './write-hooks.js';

export interface CollectionServiceOptions {
  db: Database;
  store: CollectionStore;
  clock?: Clock;
  /** Token secret generator (injectable for tests). */
  newSecret?: () => string;
  /** Compiles a rule against a collection; returns its error or null. Rules are unchecked without it. */
  validateRule?: (input: RuleCheckInput) => FieldError | null;
  /** Names of the OAuth2 providers the server knows. */
  oauth2Providers?: ReadonlySet<string>;
}

/** One committed change made through `create`, `update`, `delete` or `importCollections`. */
export type CollectionChange =
  | { readonly kind: 'created'; readonly after: Collection }
  | { readonly kind: 'updated'; readonly before: Collection; readonly after: Collection }
  | { readonly kind: 'deleted'; readonly before: Collection }
  | {
      readonly kind: 'imported';
      /** Every collection before and after the import (system ones included). */
      readonly before: readonly Collection[];
      readonly after: readonly Collection[];
      readonly deleteMissing: boolean;
    };

/** A collection built from an API body, not yet saved (see `draftCreate`, `draftUpdate`). */
export interface CollectionDraft {
  next: Collection;
  /** The stored collection it updates; null when it is new. */
  readonly original: Collection | null;
  /** The id derived from type and name (a new one), renumbered on save if it is taken. */
  readonly generatedId?: string;
}

const TYPE_DATA_MESSAGE = 'Failed to load the collection type data due to invalid formatting.';

/** Schema failures reach clients as a safe message; the engine's own text stays in `cause`. */
function schemaFailure(err: unknown, action: 'create' | 'update' | 'delete'): unknown {
  if (err instanceof ViewQueryError) return new ValidationError({ viewQuery: invalidViewQuery(err) }, `Failed to ${action} collection.`);
  if (err instanceof ValidationError) return new ValidationError(err.data, `Failed to ${action} collection.`);
  if (!isDbError(err)) return err;
  const viewDependency = err.code === '2BP01' || /error in view/i.test(err.message);
  const message = viewDependency
    ? `Failed to ${action} collection - the change would break a view that depends on it.`
    : `Failed to ${action} collection.`;
  return new AppError('bad_request', message, {}, { cause: err });
}

const fieldsWithoutIds = (c: Collection): string =>
  JSON.stringify(c.fields.map((f) => ({ ...fieldToJson(f), id: '' })));

export class CollectionService {
  /** Told of each collection removed (by delete or import), after the commit. Must not throw. */
  readonly onRemoved: Array<(collection: Collection) => void> = [];
  /**
   * Told of each change after its commit and awaited in order (automigrate writes its file
   * before the API answers). Must not throw: the change is already committed.
   */
  readonly onChanged: Array<(change: CollectionChange) => Promise<void> | void> = [];
  private readonly db: Database;
  private readonly store: CollectionStore;
  private readonly clock: Clock;
  private readonly newSecret: () => string;
  private readonly settings: SaveSettings;
  private hooks: CollectionWriteHooks = NO_COLLECTION_WRITE_HOOKS;

  constructor(options: CollectionServiceOptions) {
    this.db = options.db;
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.newSecret = options.newSecret ?? newTokenSecret;
    this.settings = {
      newSecret: this.newSecret,
      validateRule: options.validateRule,
      oauth2Providers: options.oauth2Providers,
    };
  }

  /** Lets extension code wrap every create, update and delete (see write-hooks.ts). */
  useWriteHooks(hooks: CollectionWriteHooks): void {
    this.hooks = hooks;
  }

  /** What saving needs besides the database; migrations save inside their own transaction with it. */
  get saveSettings(): SaveSettings {
    return this.settings;
  }

  /** Blank collections of each type, as the admin UI starts from them (no ids, no secrets). */
  scaffolds(): Record<CollectionType, JsonObject> {
    const placeholderId = randomString(10); // only shapes the default index names
    const out = {} as Record<CollectionType, JsonObject>;
    for (const type of ['auth', 'base', 'view'] as const) {
      const c = scaffoldCollection(type, '', { id: placeholderId, newSecret: this.newSecret });
      c.id = '';
      out[type] = collectionToJson(c);
    }
    return out;
  }

  /** Creates a collection from a collections API body. */
  async create(body: unknown): Promise<Collection> {
    return this.saveDraft(this.draftCreate(body));
  }

  /** Applies a collections API body to a stored collection. */
  async update(nameOrId: string, body: unknown): Promise<Collection> {
    return this.saveDraft(await this.draftUpdate(nameOrId, body));
  }

  /** A new collection from a collections API body, for `saveDraft`. */
  draftCreate(body: unknown): CollectionDraft {
    const input = body ?? {};
    if (!isJsonObject(input)) throw new CollectionInputError(TYPE_DATA_MESSAGE);
    const type = input['type'] ?? '';
    const name = input['name'] ?? '';
    if (typeof type !== 'string' || typeof name !== 'string') throw new CollectionInputError(TYPE_DATA_MESSAGE);

    const next = scaffoldCollection(type, name, { newSecret: this.newSecret });
    const generatedId = next.id;
    bindCollectionInput(next, input);
    return { next, original: null, generatedId };
  }

  /** A stored collection with a collections API body applied, for `saveDraft`. */
  async draftUpdate(nameOrId: string, body: unknown): Promise<CollectionDraft> {
    const input = body ?? {};
    if (!isJsonObject(input)) throw new CollectionInputError();
    const original = await readCollection(this.db, nameOrId);
    if (!original) throw notFound();
    const next = cloneCollection(original);
    bindCollectionInput(next, input);
    return { next, original };
  }

  /** Saves a draft (created or updated), through the write hooks. */
  async saveDraft(draft: CollectionDraft): Promise<Collection> {
    return this.save(draft.next, draft.original, { generatedId: draft.generatedId });
  }

  /**
   * Saves a complete collection (e.g. from a migration or an import): created when no
   * collection has its id, updated otherwise.
   */
  async saveCollection(collection: Collection): Promise<Collection> {
    const original = collection.id === '' ? undefined : await readCollection(this.db, collection.id);
    const isSame = original !== undefined && original.id === collection.id;
    return this.save(cloneCollection(collection), isSame ? original : null, {});
  }

  private async save(next: Collection, original: Collection | null, hints: { generatedId?: string }): Promise<Collection> {
    const action = original ? 'update' : 'create';
    const prepare = { isNew: original === null, now: this.clock.now() };
    prepareForSave(next, prepare);
    const change = new HookedChange(this.hooks, { action, collection: next });
    try {
      await this.db.transaction(async (tx) => {
        const collections = await readAllCollections(tx);
        if (!original && hints.generatedId !== undefined && next.id === hints.generatedId) {
          renumberGeneratedId(next, collections);
        }
        const stored = original ? (collections.find((c) => c.id === original.id) ?? original) : null;
        await change.write(tx, async (stage) => {
          prepareForSave(stage.collection, prepare); // again: handlers may have added fields
          await this.hooks.validate(stage, async () => {
            const errors = await collectErrorsInTx(tx, { next: stage.collection, original: stored, collections }, this.settings);
            if (errors) throw new ValidationError(errors);
          });
          await change.execute(stage, () => writeCollectionInTx(tx, { next: stage.collection, original: stored, collections }, this.settings));
        });
      });
    } catch (err) {
      throw await change.failed(schemaFailure(err, action));
    }
    const saved = change.collection;
    if (!change.executed) return saved;
    await this.store.changed();
    await this.refreshDependentViews(saved.id);
    const after = this.store.find(saved.id) ?? saved;
    await change.succeeded();
    await this.announce(original ? { kind: 'updated', before: original, after } : { kind: 'created', after });
    return saved;
  }

  /**
   * Views whose inferred fields changed because of another collection's change are saved
   * again so their field list follows. As in PocketBase this is best effort: a view that
   * no longer fits is left for a superuser to fix and does not undo the change.
   */
  private async refreshDependentViews(changedId: string): Promise<void> {
    const views = this.store.list().filter((c) => c.type === 'view' && c.id !== changedId);
    let changed = false;
    for (const view of views) {
      try {
        await this.db.transaction(async (tx) => {
          const collections = await readAllCollections(tx);
          const stored = collections.find((c) => c.id === view.id);
          if (!stored) return;
          const fields = await createViewFields(tx, stored.viewQuery ?? '', collections);
          const next = cloneCollection(stored);
          next.fields = fields;
          if (fieldsWithoutIds(next) === fieldsWithoutIds(stored)) return;
          prepareForSave(next, { isNew: false, now: this.clock.now() });
          next.fields = fields;
          await saveViewCollection(tx, next, stored);
          await updateCollectionRow(tx, next);
          changed = true;
        });
      } catch {
        // left as it is (see above)
      }
    }
    if (changed) await this.store.changed();
  }

  /**
   * Deletes a collection and its table or view. Refused for system collections, for
   * collections other collections' relation fields point at, and when a view reads it.
   */
  async delete(nameOrId: string): Promise<Collection> {
    const collection = await readCollection(this.db, nameOrId);
    if (!collection) throw notFound();
    const change = new HookedChange(this.hooks, { action: 'delete', collection });
    try {
      await this.db.transaction((tx) =>
        change.write(tx, (stage) => change.execute(stage, () => deleteCollectionInTx(tx, stage.collection))),
      );
    } catch (err) {
      throw await change.failed(schemaFailure(err, 'delete'));
    }
    const deleted = change.collection;
    if (!change.executed) return deleted;
    await this.store.changed();
    this.removed([deleted]);
    await change.succeeded();
    await this.announce({ kind: 'deleted', before: deleted });
    return deleted;
  }

  /**
   * Imports collection definitions, all or nothing (see import.ts): each one is created
   * or merged onto the stored one; with `deleteMissing`, the non-system collections and
   * fields the list leaves out are deleted.
   */
  async importCollections(list: readonly unknown[], deleteMissing: boolean): Promise<Collection[]> {
    const before = [...this.store.list()];
    let imported: Collection[];
    const hooks = { write: this.hooks, changes: [] as HookedChange[] };
    try {
      imported = await this.db.transaction((tx) =>
        importCollectionsInTx(tx, { list, deleteMissing, now: this.clock.now(), settings: this.settings, hooks }),
      );
    } catch (err) {
      const failure = importFailure(err);
      for (const change of hooks.changes) await change.failed(failure);
      throw failure;
    }
    await this.store.changed();
    for (const change of hooks.changes) await change.succeeded();
    await this.refreshDependentViews('');
    const kept = new Set(this.store.list().map((c) => c.id));
    this.removed(before.filter((c) => !kept.has(c.id)));
    await this.announce({ kind: 'imported', before, after: [...this.store.list()], deleteMissing });
    return imported;
  }

  private async announce(change: CollectionChange): Promise<void> {
    for (const listener of this.onChanged) await listener(change);
  }

  private removed(collections: Collection[]): void {
    for (const collection of collections) for (const listener of this.onRemoved) listener(collection);
  }

  /**
   * Runs a view query without keeping anything and returns the fields it would have and
   * a sample of its rows. Throws ViewQueryError (with a reason safe to show) when invalid.
   */
  async dryRunView(query: string): Promise<ViewTrial & { collection: Collection }> {
    const trial = await this.db.transaction((tx) =>
      inRolledBackSavepoint(tx, async (sp) => tryViewQuery(sp, query, await readAllCollections(sp))),
    );
    const collection = scaffoldCollection('view', `temp_view_${randomString(5)}`);
    collection.fields = trial.fields;
    collection.viewQuery = query;
    return { ...trial, collection };
  }
}
