// Which auth record a provider account logs into, inside one transaction:
//   1. the record already linked to this provider account (`_externalAuths`);
//   2. else the record of the same collection the request is logged in as (linking);
//   3. else the record whose email is the provider's *verified* email;
//   4. else a new record, created through the records service (createRule applies).
// Then the protections against account pre-hijacking (see docs/auth.md, "OAuth2").
import type { Executor } from '../../../db/types.js';
import { DbError } from '../../../db/errors.js';
import type { Clock } from '../../../lib/clock.js';
import { randomString } from '../../../lib/ids.js';
import type { Collection, Field, PasswordField } from '../../collections/model.js';
import { autodateValue, autogenerate, hashPassword, validateValue } from '../../collections/fields/index.js';
import { findSingleColumnUniqueIndex } from '../../collections/index-definition.js';
import { SUPERUSERS_COLLECTION } from '../../collections/names.js';
import { badRequest } from '../../errors/index.js';
import type { RecordModel } from '../../records/record.js';
import { decodeRow, findRecordById, selectColumns, updateRecord } from '../../records/repository.js';
import type { RecordService } from '../../records/service.js';
import type { RequestInfo } from '../../rules/request-info.js';
import { deleteLinksOf, findLink, insertLink } from './external-auths.js';
import type { AuthUser } from './types.js';

export interface LinkInput {
  collection: Collection;
  provider: string;
  user: AuthUser;
  createData: Record<string, unknown>;
  request: RequestInfo;
}

export interface LinkDeps {
  records: RecordService;
  clock: Clock;
}

export interface LinkResult {
  record: RecordModel;
  isNew: boolean;
}

/** Fields OAuth2 mapping and `createData` never write (account identity and secrets). */
const GUARDED_FIELDS = new Set(['email', 'verified', 'password', 'passwordConfirm', 'tokenKey']);
const RANDOM_PASSWORD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function failedToAuthenticate() {
  return badRequest('Failed to authenticate.');
}

function sameEmail(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Steps 1–3 above: the account this provider account logs into (null: a new one), and its link. */
export async function findAccount(exec: Executor, input: Omit<LinkInput, 'createData'>) {
  const { collection, provider, user, request } = input;
  const link = await findLink(exec, { collectionId: collection.id, provider, providerId: user.id });
  let record: RecordModel | null = null;
  if (link) {
    record = await findRecordById(exec, collection, link.recordRef);
    if (!record) throw failedToAuthenticate();
  } else if (request.auth && request.auth.collection.id === collection.id) {
    record = await findRecordById(exec, collection, String(request.auth.values.id));
  } else if (user.email !== '') {
    record = await findByEmail(exec, collection, user.email);
  }
  return { record, link };
}

export async function linkAccount(tx: Executor, input: LinkInput, deps: LinkDeps): Promise<LinkResult> {
  const { collection, provider, user, request } = input;
  const account = { collectionId: collection.id, provider, providerId: user.id };
  const found = await findAccount(tx, input);
  let { record, link } = found;

  const isNew = record === null;
  if (record === null) {
    record = await createAccount(tx, input, deps);
  } else if (await secureExistingAccount(tx, { record, user, request }, deps)) {
    link = null; // its links were removed; this one is written again below
  }

  if (!link) {
    try {
      await insertLink(tx, { ...account, recordId: String(record.values.id) }, deps.clock.now());
    } catch (err) {
      // The record already holds another account of this provider.
      if (err instanceof DbError && err.kind === 'unique_violation') throw failedToAuthenticate();
      throw err;
    }
  }
  return { record, isNew };
}

async function findByEmail(tx: Executor, collection: Collection, email: string): Promise<RecordModel | null> {
  const q = tx.dialect.quoteIdent;
  const table = q(collection.name);
  const row = await tx.get(
    `SELECT ${selectColumns(tx, collection, collection.name)} FROM ${table} WHERE LOWER(${table}."email") = LOWER(?) LIMIT 1`,
    [email],
  );
  return row ? decodeRow(collection, row) : null;
}

async function createAccount(tx: Executor, input: LinkInput, deps: LinkDeps): Promise<RecordModel> {
  const { collection, user, request } = input;
  if (collection.name === SUPERUSERS_COLLECTION) throw failedToAuthenticate();
  const payload: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input.createData)) if (key !== 'email') payload[key] = value;
  // Only the provider's verified email, never one from the client (pre-hijacking).
  payload.email = user.email;
  await mapUserFields(tx, { collection, user, payload });
  // Without a password of its own the account gets an unusable random one (PocketBase does too).
  if (!Object.prototype.hasOwnProperty.call(input.createData, 'password')) {
    const random = randomString(30, RANDOM_PASSWORD_ALPHABET);
    payload.password = random;
    payload.passwordConfirm = random;
  }
  const createRequest: RequestInfo = { ...request, context: 'oauth2', body: payload };
  const created = await deps.records.create(collection.name, createRequest, payload, { exec: tx });
  const record = await findRecordById(tx, collection, String(created.id));
  if (!record) throw failedToAuthenticate();
  // The only email it can hold is the provider's verified one (or none): nothing to verify.
  if (record.values.verified !== true && sameEmail(String(record.values.email ?? ''), user.email)) {
    record.values.verified = true;
    await saveChanges(tx, record, ['verified'], deps.clock);
  }
  return record;
}

async function mapUserFields(
  tx: Executor,
  target: { collection: Collection; user: AuthUser; payload: Record<string, unknown> },
): Promise<void> {
  const { collection, user, payload } = target;
  const mapped = collection.auth?.oauth2.mappedFields;
  if (!mapped) return;
  const assign = (name: string, value: string) => {
    if (name === '' || GUARDED_FIELDS.has(name) || Object.prototype.hasOwnProperty.call(payload, name)) return;
    payload[name] = value;
  };
  assign(mapped.id, user.id);
  assign(mapped.name, user.name);
  if (mapped.username !== '' && (await canAssignUsername(tx, collection, user.username))) assign(mapped.username, user.username);
  if (mapped.avatarURL !== '' && user.avatarURL !== '') {
    const field = collection.fields.find((f) => f.name === mapped.avatarURL);
    // File fields would need the image downloaded and stored: files come with a later issue.
    if (field && field.type !== 'file') assign(mapped.avatarURL, user.avatarURL);
  }
}

/** The provider's username only when it is valid for the field and not taken. */
async function canAssignUsername(tx: Executor, collection: Collection, username: string): Promise<boolean> {
  const name = collection.auth?.oauth2.mappedFields.username ?? '';
  const field = collection.fields.find((f) => f.name === name);
  if (!field) return false;
  if (field.type === 'text' && validateValue(field, username, { isNew: true, record: {} }) !== null) return false;
  const index = findSingleColumnUniqueIndex(collection.indexes, name);
  if (!index) return true;
  const q = tx.dialect.quoteIdent;
  const noCase = index.columns[0]?.collate.toLowerCase() === 'nocase';
  const condition = noCase ? `LOWER(${q(name)}) = LOWER(?)` : `${q(name)} = ?`;
  const taken = await tx.get(`SELECT 1 AS "x" FROM ${q(collection.name)} WHERE ${condition} LIMIT 1`, [username]);
  return !taken;
}

/**
 * An existing, unverified account may have been created by someone else with this email
 * before its owner ever signed in. Its password is replaced (and its sessions end) and its
 * other provider links are dropped, so the pre-creator keeps no way in. Answers whether the
 * links were dropped.
 */
async function secureExistingAccount(
  tx: Executor,
  target: { record: RecordModel; user: AuthUser; request: RequestInfo },
  deps: LinkDeps,
): Promise<boolean> {
  const { record, user, request } = target;
  const { collection } = record;
  const changed: string[] = [];
  const verified = record.values.verified === true;
  const isCurrentUser = request.auth?.collection.id === collection.id && request.auth.values.id === record.values.id;
  if (!isCurrentUser && !verified) {
    const password = collection.fields.find((f): f is PasswordField => f.name === 'password' && f.type === 'password');
    const tokenKey = collection.fields.find((f) => f.name === 'tokenKey');
    if (password) {
      record.values.password = await hashPassword(password, randomString(30, RANDOM_PASSWORD_ALPHABET));
      changed.push('password');
    }
    if (tokenKey) {
      record.values.tokenKey = autogenerate(tokenKey);
      changed.push('tokenKey');
    }
  }
  if (!verified) await deleteLinksOf(tx, collection.id, String(record.values.id));
  const email = String(record.values.email ?? '');
  if (email === '' && user.email !== '') {
    record.values.email = user.email;
    changed.push('email');
  }
  if (!verified && (email === '' || sameEmail(email, user.email))) {
    record.values.verified = true;
    changed.push('verified');
  }
  if (changed.length > 0) await saveChanges(tx, record, changed, deps.clock);
  return !verified;
}

async function saveChanges(tx: Executor, record: RecordModel, names: string[], clock: Clock): Promise<void> {
  const fieldNames = [...names];
  for (const field of record.collection.fields as Field[]) {
    if (field.type !== 'autodate') continue;
    const value = autodateValue(field, false, clock.now());
    if (value !== undefined) {
      record.values[field.name] = value;
      fieldNames.push(field.name);
    }
  }
  try {
    await updateRecord(tx, record, { fieldNames });
  } catch (err) {
    // e.g. the provider's email already belongs to another account of the collection.
    if (err instanceof DbError && err.kind === 'unique_violation') throw failedToAuthenticate();
    throw err;
  }
}
