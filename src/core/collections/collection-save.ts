// The two halves of saving one collection inside a transaction, shared by the collections
// API (validate, then write) and by imports (write everything, then validate everything,
// as PocketBase does so that collections of one import may refer to each other).

import type { TransactionExecutor } from '../../db/types.js';
import type { ErrorData, FieldError } from '../errors/index.js';
import { buildIndex, parseIndex } from './index-definition.js';
import { collectionIdFor } from './collection-input.js';
import { insertCollectionRow, updateCollectionRow } from './collection-store.js';
import type { Collection } from './model.js';
import { indexOwners, relationNames } from './schema/catalog.js';
import { syncRecordTable } from './schema/sync-record-table.js';
import { collectCollectionErrors, type RuleCheckInput } from './validate.js';
import { validationError } from './validation-errors.js';
import { ViewQueryError } from './views/view-query.js';
import { createViewFields, saveViewCollection, tryViewQuery } from './views/view-schema.js';

/** What a save needs besides the database: secrets, and the checks the caller provides. */
export interface SaveSettings {
  /** Token secret generator. */
  newSecret: () => string;
  /** Compiles a rule against a collection; returns its error or null. Rules are unchecked without it. */
  validateRule?: (input: RuleCheckInput) => FieldError | null;
  /** Names of the OAuth2 providers the server knows. */
  oauth2Providers?: ReadonlySet<string>;
}

/** One collection being saved: its new state, its stored state (null when new), and every stored collection. */
export interface SaveTarget {
  next: Collection;
  original: Collection | null;
  collections: readonly Collection[];
}

/** PostgreSQL silently truncates longer identifiers (NAMEDATALEN - 1). */
const POSTGRES_MAX_IDENTIFIER_BYTES = 63;

export function invalidViewQuery(err: ViewQueryError): FieldError {
  return validationError('validation_invalid_view_query', `Invalid query - ${err.message}`);
}

/**
 * Every validation error of `target.next` against the current database, or null. For a
 * view, its fields are (re)inferred from its query first, as PocketBase does.
 */
export async function collectErrorsInTx(
  tx: TransactionExecutor,
  target: SaveTarget,
  settings: SaveSettings,
): Promise<ErrorData | null> {
  const { next, original, collections } = target;
  let viewQueryError: FieldError | null = null;
  if (next.type === 'view') {
    next.fields = await createViewFields(tx, next.viewQuery ?? '', collections).catch((err: unknown) => {
      if (err instanceof ViewQueryError) return [];
      throw err;
    });
    if ((next.viewQuery ?? '') !== '') {
      try {
        await tryViewQuery(tx, next.viewQuery ?? '', collections);
      } catch (err) {
        if (!(err instanceof ViewQueryError)) throw err;
        viewQueryError = invalidViewQuery(err);
      }
    }
  }
  return collectCollectionErrors(next, {
    original,
    collections,
    tables: await relationNames(tx),
    indexOwners: await indexOwners(tx),
    validateRule: settings.validateRule,
    viewQueryError,
    oauth2Providers: settings.oauth2Providers,
    maxIdentifierBytes: tx.dialect.name === 'postgres' ? POSTGRES_MAX_IDENTIFIER_BYTES : undefined,
  });
}

/**
 * Writes `target.next` to `_collections` and brings its table or view in line (the view's
 * fields come from its query). A changed auth rule rotates the auth token secret, which
 * invalidates every auth token issued under the old rule.
 */
export async function writeCollectionInTx(
  tx: TransactionExecutor,
  target: SaveTarget,
  settings: SaveSettings,
): Promise<void> {
  const { next, original, collections } = target;
  if (original?.auth && next.auth && (original.auth.authRule ?? '') !== (next.auth.authRule ?? '')) {
    next.auth.authToken.secret = settings.newSecret();
  }
  if (next.type === 'view') {
    next.fields = await createViewFields(tx, next.viewQuery ?? '', collections);
    await saveViewCollection(tx, next, original);
  }
  if (original) await updateCollectionRow(tx, next);
  else await insertCollectionRow(tx, next);
  await syncRecordTable(tx, next, original);
}

/**
 * A derived id that is already taken gets a number appended (2, 3, ...), and index
 * names that embedded the old id follow it, as PocketBase does.
 */
export function renumberGeneratedId(c: Collection, collections: readonly Collection[]): void {
  const base = collectionIdFor(c.type, c.name);
  let id = base;
  for (let i = 2; i < 1000 && collections.some((other) => other.id === id); i++) id = `${base}${i}`;
  if (id === c.id) return;
  c.indexes = c.indexes.map((raw) => {
    const parsed = parseIndex(raw);
    const renamed = parsed.indexName.replaceAll(c.id, id);
    if (renamed === parsed.indexName) return raw;
    parsed.indexName = renamed;
    return buildIndex(parsed);
  });
  c.id = id;
}
