// The collections every Plinth (and PocketBase) database starts with: `_mfas`, `_otps`,
// `_externalAuths`, `_authOrigins`, `_superusers` and the default `users` auth
// collection, defined as PocketBase's init migration defines them (ids, fields, rules,
// indexes), and a function the init migration runs to create them (with `_collections`)
// on an empty database of either engine.

import type { TransactionExecutor } from '../../db/types.js';
import { newTokenSecret } from './auth-defaults.js';
import { collectionsTableDdl } from './collections-table.js';
import { addField } from './field-list.js';
import { prepareForSave, scaffoldCollection } from './collection-input.js';
import { insertCollectionRow } from './collection-store.js';
import { normalizeField } from './fields/index.js';
import type { Collection } from './model.js';
import {
  AUTH_ORIGINS_COLLECTION,
  COLLECTIONS_TABLE,
  EXTERNAL_AUTHS_COLLECTION,
  MFAS_COLLECTION,
  OTPS_COLLECTION,
  SUPERUSERS_COLLECTION,
  USERS_COLLECTION,
  USERS_COLLECTION_ID,
} from './names.js';
import { tableExists } from './schema/catalog.js';
import { syncRecordTable } from './schema/sync-record-table.js';

/** Records of these collections belong to the auth record they reference. */
const OWNER_RULE = "@request.auth.id != '' && recordRef = @request.auth.id && collectionRef = @request.auth.collectionId";

function add(c: Collection, options: Record<string, unknown>): void {
  addField(c.fields, normalizeField({ id: '', ...options }));
}

function addIndex(c: Collection, options: { name: string; unique: boolean; columns: string }): void {
  c.indexes.push(`CREATE ${options.unique ? 'UNIQUE ' : ''}INDEX \`${options.name}\` ON \`${c.name}\` (${options.columns})`);
}

function addTimestamps(c: Collection, system: boolean): void {
  add(c, { type: 'autodate', name: 'created', system, onCreate: true });
  add(c, { type: 'autodate', name: 'updated', system, onCreate: true, onUpdate: true });
}

function ownedRefsCollection(name: string, extraTextFields: string[]): Collection {
  const c = scaffoldCollection('base', name);
  c.system = true;
  c.listRule = OWNER_RULE;
  c.viewRule = OWNER_RULE;
  for (const field of ['collectionRef', 'recordRef', ...extraTextFields]) {
    add(c, { type: 'text', name: field, system: true, required: true });
  }
  return c;
}

function mfas(): Collection {
  const c = ownedRefsCollection(MFAS_COLLECTION, ['method']);
  addTimestamps(c, true);
  addIndex(c, { name: 'idx_mfas_collectionRef_recordRef', unique: false, columns: 'collectionRef,recordRef' });
  return c;
}

function otps(): Collection {
  const c = ownedRefsCollection(OTPS_COLLECTION, []);
  // A low hashing cost: one-time passwords are short-lived and checked often.
  add(c, { type: 'password', name: 'password', system: true, hidden: true, required: true, cost: 8 });
  add(c, { type: 'text', name: 'sentTo', system: true, hidden: true });
  addTimestamps(c, true);
  addIndex(c, { name: 'idx_otps_collectionRef_recordRef', unique: false, columns: 'collectionRef, recordRef' });
  return c;
}

function authOrigins(): Collection {
  const c = ownedRefsCollection(AUTH_ORIGINS_COLLECTION, ['fingerprint']);
  c.deleteRule = OWNER_RULE;
  addTimestamps(c, true);
  addIndex(c, { name: 'idx_authOrigins_unique_pairs', unique: true, columns: 'collectionRef, recordRef, fingerprint' });
  return c;
}

function externalAuths(): Collection {
  const c = ownedRefsCollection(EXTERNAL_AUTHS_COLLECTION, ['provider', 'providerId']);
  c.deleteRule = OWNER_RULE;
  addTimestamps(c, true);
  addIndex(c, { name: 'idx_externalAuths_record_provider', unique: true, columns: 'collectionRef, recordRef, provider' });
  addIndex(c, { name: 'idx_externalAuths_collection_provider', unique: true, columns: 'collectionRef, provider, providerId' });
  return c;
}

function superusers(newSecret: () => string): Collection {
  const c = scaffoldCollection('auth', SUPERUSERS_COLLECTION, { newSecret });
  c.system = true;
  add(c, { type: 'email', name: 'email', system: true, required: true });
  addTimestamps(c, true);
  if (c.auth) c.auth.authToken.duration = 86400; // superuser sessions last a day
  return c;
}

function users(newSecret: () => string): Collection {
  const c = scaffoldCollection('auth', USERS_COLLECTION, { id: USERS_COLLECTION_ID, newSecret });
  const owner = 'id = @request.auth.id';
  c.listRule = owner;
  c.viewRule = owner;
  c.createRule = '';
  c.updateRule = owner;
  c.deleteRule = owner;
  add(c, { type: 'text', name: 'name', max: 255 });
  add(c, {
    type: 'file',
    name: 'avatar',
    maxSelect: 1,
    mimeTypes: ['image/jpeg', 'image/png', 'image/svg+xml', 'image/gif', 'image/webp'],
  });
  addTimestamps(c, false);
  if (c.auth) {
    c.auth.oauth2.mappedFields.name = 'name';
    c.auth.oauth2.mappedFields.avatarURL = 'avatar';
  }
  return c;
}

export interface SystemCollectionOptions {
  /** Token secret generator (injectable for tests). */
  newSecret?: () => string;
}

/** The initial collections, in the order PocketBase creates them (not yet prepared for saving). */
export function systemCollections(options: SystemCollectionOptions = {}): Collection[] {
  const newSecret = options.newSecret ?? newTokenSecret;
  return [mfas(), otps(), externalAuths(), authOrigins(), superusers(newSecret), users(newSecret)];
}

export interface InstallOptions extends SystemCollectionOptions {
  now: Date;
}

/**
 * Creates `_collections` (if missing) and the initial collections with their record tables,
 * inside the caller's transaction. Meant for the init migration of an empty database.
 * Returns the created collections.
 */
export async function installSystemCollections(tx: TransactionExecutor, options: InstallOptions): Promise<Collection[]> {
  if (!(await tableExists(tx, COLLECTIONS_TABLE))) await tx.exec(collectionsTableDdl(tx.dialect.name));
  const created: Collection[] = [];
  for (const c of systemCollections(options)) {
    prepareForSave(c, { isNew: true, now: options.now });
    await syncRecordTable(tx, c, null);
    await insertCollectionRow(tx, c);
    created.push(c);
  }
  return created;
}
