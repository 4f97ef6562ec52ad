// Deleting a collection: its row in `_collections` and its table or view, in the caller's
// transaction. Refused for system collections, for collections that other collections'
// relation fields point at, and for collections a view reads (PocketBase's rules). The
// MFA, OTP, external auth and auth origin rows of a deleted auth collection go with it.

import type { TransactionExecutor } from '../../db/types.js';
import { AppError } from '../errors/index.js';
import { deleteCollectionRow, findReferences, readAllCollections } from './collection-store.js';
import type { Collection } from './model.js';
import { AUTH_ORIGINS_COLLECTION, EXTERNAL_AUTHS_COLLECTION, MFAS_COLLECTION, OTPS_COLLECTION } from './names.js';
import { tableExists } from './schema/catalog.js';
import { dependentViewNames } from './schema/dependent-views.js';
import { dropRecordTable } from './schema/record-table.js';
import { dropView } from './views/view-ddl.js';

/**
 * Drops the collection's table or view and returns the names of views that stop
 * working because of it. PostgreSQL names them up front (and the drop is skipped);
 * SQLite lets the drop happen, so each view collection is read before and after.
 */
async function dropAndFindBrokenViews(
  tx: TransactionExecutor,
  collection: Collection,
  collections: readonly Collection[],
): Promise<string[]> {
  const drop = async (): Promise<void> => {
    if (collection.type === 'view') await dropView(tx, collection.name);
    else await dropRecordTable(tx, collection.name);
  };
  if (tx.dialect.name === 'postgres') {
    const names = await dependentViewNames(tx, collection.name);
    if (names.length === 0) await drop();
    return names;
  }
  const others = collections.filter((c) => c.type === 'view' && c.id !== collection.id);
  const readable = async (): Promise<Set<string>> => {
    const ok = new Set<string>();
    for (const view of others) {
      const works = await tx
        .transaction((sp) => sp.all(`SELECT * FROM ${sp.dialect.quoteIdent(view.name)} LIMIT 0`))
        .then(
          () => true,
          () => false,
        );
      if (works) ok.add(view.name);
    }
    return ok;
  };
  const before = await readable();
  await drop();
  const after = await readable();
  return [...before].filter((name) => !after.has(name));
}

/** Collections whose rows belong to a record of an auth collection (`collectionRef` + `recordRef`). */
const AUTH_REF_COLLECTIONS = [MFAS_COLLECTION, OTPS_COLLECTION, EXTERNAL_AUTHS_COLLECTION, AUTH_ORIGINS_COLLECTION];

/** Deletes the rows of the auth-ref collections that belong to records of `collection`. */
export async function deleteAuthRefRows(tx: TransactionExecutor, collection: Collection): Promise<void> {
  if (collection.type !== 'auth') return;
  for (const name of AUTH_REF_COLLECTIONS) {
    if (!(await tableExists(tx, name))) continue;
    await tx.run(`DELETE FROM ${tx.dialect.quoteIdent(name)} WHERE ${tx.dialect.quoteIdent('collectionRef')} = ?`, [collection.id]);
  }
}

/** Deletes `collection` (as stored) with its table or view; throws AppError when refused. */
export async function deleteCollectionInTx(tx: TransactionExecutor, collection: Collection): Promise<void> {
  if (collection.system) {
    throw new AppError('bad_request', 'Failed to delete collection - system collections cannot be deleted.');
  }
  const collections = await readAllCollections(tx);
  const references = findReferences(collections, collection.id, [collection.id]);
  if (references.length > 0) {
    const names = references.map((r) => r.collection.name).join(', ');
    throw new AppError('bad_request', `Failed to delete collection probably due to existing reference in ${names}.`);
  }
  const broken = await dropAndFindBrokenViews(tx, collection, collections);
  if (broken.length > 0) {
    throw new AppError('bad_request', `Failed to delete collection due to existing view dependency in ${broken.join(', ')}.`);
  }
  await deleteAuthRefRows(tx, collection);
  await deleteCollectionRow(tx, collection.id);
}
