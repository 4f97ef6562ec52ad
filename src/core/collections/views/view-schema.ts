// View collections against a live database: inferring a query's fields, trying a query
// out (sample rows, id checks) and (re)creating the SQL view. Everything runs in the
// caller's transaction; trial runs happen in savepoints that are always rolled back, so
// a query cannot leave anything behind.

import type { TransactionExecutor } from '../../../db/types.js';
import { isDbError } from '../../../db/errors.js';
import { decodeValue, validateFieldOptions } from '../fields/index.js';
import type { Collection, Field } from '../model.js';
import { FIELD_ID } from '../names.js';
import { withDependentViewsDetached } from '../schema/dependent-views.js';
import { dropView, normalizeViewQueryId, queryColumns, saveView } from './view-ddl.js';
import { buildViewFields, suggestViewFields, type SuggestOptions } from './view-fields.js';
import { normalizeViewSelectQuery, ViewQueryError } from './view-query.js';

const SAMPLE_SIZE = 10;

/** A ViewQueryError for any failure of a user query (database text is not passed on). */
export function asViewQueryError(err: unknown): ViewQueryError {
  if (err instanceof ViewQueryError) return err;
  if (isDbError(err)) return new ViewQueryError('the query failed to run in the database', { cause: err });
  throw err;
}

/** The fields of a view over `query` (PocketBase's inference, columns as the database reports them). */
export async function createViewFields(
  tx: TransactionExecutor,
  query: string,
  collections: readonly Collection[],
  options: SuggestOptions = {},
): Promise<Field[]> {
  try {
    const select = normalizeViewSelectQuery(query);
    const suggested = suggestViewFields(select, collections, options);
    const columns = await queryColumns(tx, select);
    return buildViewFields(
      suggested,
      columns.map((c) => c.name),
    );
  } catch (err) {
    throw asViewQueryError(err);
  }
}

class Rollback extends Error {
  constructor(readonly value: unknown) {
    super('rollback');
  }
}

/** Runs `fn` in a savepoint that is always rolled back, returning what `fn` returned. */
export async function inRolledBackSavepoint<T>(tx: TransactionExecutor, fn: (sp: TransactionExecutor) => Promise<T>): Promise<T> {
  try {
    await tx.transaction(async (sp) => {
      throw new Rollback(await fn(sp));
    });
  } catch (err) {
    if (err instanceof Rollback) return err.value as T;
    throw err;
  }
  throw new Error('unreachable');
}

export interface ViewTrial {
  fields: Field[];
  /** The first rows of the query, decoded by field, keyed by field name. */
  rows: Array<Record<string, unknown>>;
}

/**
 * Tries a view query without keeping anything: infers its fields, checks their options,
 * reads a sample and checks that the sample's ids are present and unique.
 * Throws ViewQueryError with a reason safe to show.
 */
export async function tryViewQuery(
  tx: TransactionExecutor,
  query: string,
  collections: readonly Collection[],
  options: SuggestOptions = {},
): Promise<ViewTrial> {
  return inRolledBackSavepoint(tx, async (sp) => {
    const fields = await createViewFields(sp, query, collections, options);
    const trial: Collection = {
      id: '',
      name: 'temp_view',
      type: 'view',
      system: false,
      fields,
      indexes: [],
      listRule: null,
      viewRule: null,
      createRule: null,
      updateRule: null,
      deleteRule: null,
      created: '',
      updated: '',
      viewQuery: query,
    };
    for (const [i, f] of fields.entries()) {
      const findCollection = (idOrName: string): Collection | undefined =>
        collections.find((c) => c.id === idOrName || c.name === idOrName);
      if (validateFieldOptions(f, { collection: trial, findCollection, oldCollection: null })) {
        throw new ViewQueryError(`invalid field ${JSON.stringify(f.name)} (${i})`);
      }
    }
    let raw: Array<Record<string, unknown>>;
    try {
      const select = normalizeViewSelectQuery(query);
      const columns = await queryColumns(sp, select);
      const normalized = normalizeViewQueryId(sp, select, columns);
      raw = await sp.all(`SELECT * FROM (${normalized}) ${sp.dialect.name === 'postgres' ? 'AS "_pb_sample" ' : ''}LIMIT ${SAMPLE_SIZE}`);
    } catch (err) {
      throw asViewQueryError(err);
    }
    const seen = new Set<string>();
    for (const row of raw) {
      const id = row[FIELD_ID];
      if (id === null || id === undefined || String(id) === '') {
        throw new ViewQueryError('the query could return records with empty or invalid ids');
      }
      if (seen.has(String(id))) throw new ViewQueryError('the query could return records with non-unique ids');
      seen.add(String(id));
    }
    const rows = raw.map((row) => Object.fromEntries(fields.map((f) => [f.name, decodeValue(f, row[f.name])])));
    return { fields, rows };
  });
}

/**
 * Creates (or re-creates) the SQL view of a view collection; drops the view of its
 * previous name when it was renamed. On PostgreSQL, views reading the old view are set
 * aside and put back, so they must still fit the new columns.
 */
export async function saveViewCollection(
  tx: TransactionExecutor,
  next: Collection,
  previous: Collection | null,
): Promise<void> {
  const apply = async (): Promise<void> => {
    if (previous) await dropView(tx, previous.name);
    try {
      const select = normalizeViewSelectQuery(next.viewQuery ?? '');
      const columns = await queryColumns(tx, select);
      await saveView(tx, next.name, normalizeViewQueryId(tx, select, columns));
    } catch (err) {
      throw asViewQueryError(err);
    }
  };
  if (previous && tx.dialect.name === 'postgres') await withDependentViewsDetached(tx, previous.name, apply);
  else await apply();
}
