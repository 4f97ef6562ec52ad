// Persistence of collection definitions in `_collections`, and the in-memory cache the
// rest of the server reads them from (by id, or by name case-insensitively). Writes go
// through an executor so they join the caller's transaction; the caller reloads the cache
// once the transaction has committed. Other nodes learn about a change through the
// notifier seam (in-process by default; a database or broker channel when clustered).

import { AppError, notFound } from '../errors/index.js';
import type { ChangeNotifications, Database, Executor, SqlValue } from '../../db/types.js';
import { bindAuthOptions, zeroAuthOptions } from './auth-options.js';
import { collectionOptionsJson } from './collection-json.js';
import { collectionsInsertionOrder } from './collections-table.js';
import { fieldListFromJson, fieldToJson } from './field-list.js';
import { isJsonObject } from './input-binding.js';
import type { Collection, CollectionType, Field } from './model.js';
import { COLLECTIONS_TABLE } from './names.js';

/**
 * Tells the other nodes that the stored collections changed, and lets a node hear about
 * changes made elsewhere. A clustered deployment plugs in a database or broker channel.
 */
export interface CollectionChangeNotifier {
  /** Announces a committed change to the other nodes. */
  publish(): Promise<void>;
  /** Registers a listener for changes published by other nodes; returns a function removing it. */
  subscribe(listener: () => void): () => void;
}

/** A single node has nobody to tell. */
export function localChangeNotifier(): CollectionChangeNotifier {
  return {
    async publish() {},
    subscribe() {
      return () => {};
    },
  };
}

/** A notifier over the database's change announcements, on one topic. */
export function topicNotifier(notifications: ChangeNotifications, topic: string): CollectionChangeNotifier {
  return {
    publish: () => notifications.publish(topic),
    subscribe: (listener) => notifications.subscribe(topic, listener),
  };
}

interface CollectionRow {
  id: string;
  system: unknown;
  type: string;
  name: string;
  fields: unknown;
  indexes: unknown;
  listRule: string | null;
  viewRule: string | null;
  createRule: string | null;
  updateRule: string | null;
  deleteRule: string | null;
  options: unknown;
  created: string;
  updated: string;
}

const COLUMNS = [
  'id',
  'system',
  'type',
  'name',
  'fields',
  'indexes',
  'listRule',
  'viewRule',
  'createRule',
  'updateRule',
  'deleteRule',
  'options',
  'created',
  'updated',
] as const;

function parseJsonColumn(raw: unknown, fallback: unknown): unknown {
  if (raw === null || raw === undefined || raw === '') return fallback;
  if (typeof raw !== 'string') return raw;
  return JSON.parse(raw) as unknown;
}

/** A collection from its `_collections` row (either engine's value encodings). */
export function collectionFromRow(row: CollectionRow): Collection {
  try {
    const type = row.type as CollectionType;
    const options = parseJsonColumn(row.options, {});
    const indexes = parseJsonColumn(row.indexes, []);
    const c: Collection = {
      id: row.id,
      name: row.name,
      type,
      system: row.system === true || row.system === 1 || row.system === '1',
      fields: fieldListFromJson(parseJsonColumn(row.fields, [])),
      indexes: Array.isArray(indexes) ? indexes.filter((i): i is string => typeof i === 'string') : [],
      listRule: row.listRule,
      viewRule: row.viewRule,
      createRule: row.createRule,
      updateRule: row.updateRule,
      deleteRule: row.deleteRule,
      created: row.created,
      updated: row.updated,
    };
    if (type === 'auth') {
      c.auth = zeroAuthOptions();
      if (isJsonObject(options)) bindAuthOptions(c.auth, options);
    } else if (type === 'view') {
      const q = isJsonObject(options) ? options['viewQuery'] : undefined;
      c.viewQuery = typeof q === 'string' ? q : '';
    }
    return c;
  } catch (err) {
    throw new AppError('internal', `The stored definition of collection "${row.name}" is unreadable.`, {}, { cause: err });
  }
}

function rowValues(c: Collection): SqlValue[] {
  return [
    c.id,
    c.system,
    c.type,
    c.name,
    JSON.stringify(c.fields.map(fieldToJson)),
    JSON.stringify(c.indexes),
    c.listRule,
    c.viewRule,
    c.createRule,
    c.updateRule,
    c.deleteRule,
    JSON.stringify(collectionOptionsJson(c)),
    c.created,
    c.updated,
  ];
}

function columnList(ex: Executor): string {
  return COLUMNS.map((c) => ex.dialect.quoteIdent(c)).join(', ');
}

/** Reads every stored collection in creation order, bypassing the cache. */
export async function readAllCollections(ex: Executor): Promise<Collection[]> {
  const rows = await ex.all<CollectionRow>(
    `SELECT ${columnList(ex)} FROM ${ex.dialect.quoteIdent(COLLECTIONS_TABLE)} ORDER BY ${collectionsInsertionOrder(ex.dialect.name)}`,
  );
  return rows.map(collectionFromRow);
}

/** Reads one collection by id or (case-insensitive) name, bypassing the cache. */
export async function readCollection(ex: Executor, nameOrId: string): Promise<Collection | undefined> {
  const row = await ex.get<CollectionRow>(
    `SELECT ${columnList(ex)} FROM ${ex.dialect.quoteIdent(COLLECTIONS_TABLE)}
      WHERE id = ? OR LOWER(name) = ? ORDER BY CASE WHEN id = ? THEN 0 ELSE 1 END LIMIT 1`,
    [nameOrId, nameOrId.toLowerCase(), nameOrId],
  );
  return row ? collectionFromRow(row) : undefined;
}

export async function insertCollectionRow(ex: Executor, c: Collection): Promise<void> {
  const placeholders = COLUMNS.map(() => '?').join(', ');
  await ex.run(`INSERT INTO ${ex.dialect.quoteIdent(COLLECTIONS_TABLE)} (${columnList(ex)}) VALUES (${placeholders})`, rowValues(c));
}

export async function updateCollectionRow(ex: Executor, c: Collection): Promise<void> {
  const [, ...rest] = rowValues(c);
  const sets = COLUMNS.slice(1)
    .map((col) => `${ex.dialect.quoteIdent(col)} = ?`)
    .join(', ');
  const { changes } = await ex.run(`UPDATE ${ex.dialect.quoteIdent(COLLECTIONS_TABLE)} SET ${sets} WHERE id = ?`, [
    ...rest,
    c.id,
  ]);
  if (changes === 0) throw notFound();
}

export async function deleteCollectionRow(ex: Executor, id: string): Promise<void> {
  await ex.run(`DELETE FROM ${ex.dialect.quoteIdent(COLLECTIONS_TABLE)} WHERE id = ?`, [id]);
}

/** A relation field of `owner` pointing at some collection. */
export interface CollectionReference {
  collection: Collection;
  fields: Field[];
}

/** Collections with relation fields pointing at `collectionId` (other than those in `excludeIds`). */
export function findReferences(
  collections: readonly Collection[],
  collectionId: string,
  excludeIds: readonly string[] = [],
): CollectionReference[] {
  const result: CollectionReference[] = [];
  for (const c of collections) {
    if (excludeIds.includes(c.id)) continue;
    const fields = c.fields.filter((f) => f.type === 'relation' && f.collectionId === collectionId);
    if (fields.length > 0) result.push({ collection: c, fields });
  }
  return result;
}

/**
 * The cached view of `_collections`. Cached collections are shared: treat them as
 * read-only and clone (`cloneCollection`) before changing one.
 */
export class CollectionStore {
  private ordered: readonly Collection[] = [];
  private byId = new Map<string, Collection>();
  private byName = new Map<string, Collection>();
  private loaded = false;
  private readonly unsubscribe: () => void;

  constructor(
    readonly db: Database,
    readonly notifier: CollectionChangeNotifier = localChangeNotifier(),
  ) {
    // A change published by another node refreshes this node's cache.
    this.unsubscribe = notifier.subscribe(() => {
      void this.reload().catch(() => {
        this.loaded = false; // the next explicit reload retries
      });
    });
  }

  /** Loads (or reloads) every collection from the database into the cache. */
  async reload(): Promise<void> {
    this.replace(await readAllCollections(this.db));
  }

  /** Reloads this node's cache and tells the other nodes to reload theirs. */
  async changed(): Promise<void> {
    await this.reload();
    await this.notifier.publish();
  }

  private replace(collections: Collection[]): void {
    this.ordered = collections;
    this.byId = new Map(collections.map((c) => [c.id, c]));
    this.byName = new Map(collections.map((c) => [c.name.toLowerCase(), c]));
    this.loaded = true;
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  /** Every collection in creation order. */
  list(): readonly Collection[] {
    this.assertLoaded();
    return this.ordered;
  }

  /** A collection by id, or by name ignoring case. */
  find(nameOrId: string): Collection | undefined {
    this.assertLoaded();
    return this.byId.get(nameOrId) ?? this.byName.get(nameOrId.toLowerCase());
  }

  /** Like `find`, but a missing collection is a 404. */
  get(nameOrId: string): Collection {
    const c = this.find(nameOrId);
    if (!c) throw notFound();
    return c;
  }

  /** Collections holding relation fields that point at `collectionId`. */
  references(collectionId: string, excludeIds: readonly string[] = []): CollectionReference[] {
    return findReferences(this.list(), collectionId, excludeIds);
  }

  /** Stops listening for changes. */
  dispose(): void {
    this.unsubscribe();
  }

  private assertLoaded(): void {
    if (!this.loaded) throw new AppError('internal', 'The collections cache is not loaded.');
  }
}
