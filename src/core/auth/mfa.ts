// Multi-factor login, as PocketBase has it. When a collection has `mfa.enabled` (and its
// `mfa.rule`, if any, matches the account), a first successful login method does not get
// a token: it gets a 401 carrying `mfaId`, the id of an `_mfas` row that remembers the
// account and the method used. The client then logs in again with a *different* method
// and sends that `mfaId` (in the body or the query); this completes the login and deletes
// the row. The same method twice, another account's `mfaId` and an expired one (older
// than `mfa.duration`) are refused. Every login method ends in AuthService.admit (through
// finishLogin, or the auth request hooks), which calls enforceMfa, so password, OTP and
// OAuth2 all follow the same rules.
import type { Database, Executor } from '../../db/types.js';
import type { Clock } from '../../lib/clock.js';
import { formatDateTime } from '../../lib/dates.js';
import { newRecordId } from '../../lib/ids.js';
import { MFAS_COLLECTION } from '../collections/names.js';
import { AppError, badRequest } from '../errors/index.js';
import type { RecordModel } from '../records/record.js';
import type { CollectionRegistry, RecordService } from '../records/service.js';
import type { RequestInfo } from '../rules/request-info.js';
import type { LoginAttempt } from './auth-service.js';
import { isExpired, validSince } from './otp-store.js';

/** The answer to a first factor: 401 with `mfaId` next to the usual error fields. */
export class MfaRequiredError extends AppError {
  constructor(readonly mfaId: string) {
    super('unauthorized', 'A second authentication method is required.');
    this.name = 'MfaRequiredError';
    this.extra = { mfaId };
  }
}

export interface MfaDeps {
  db: Database;
  clock: Clock;
  records: RecordService;
  auth: { canAccess(record: RecordModel, request: RequestInfo, rule: string | null): Promise<boolean> };
}

interface MfaRow {
  id: string;
  collectionRef: string;
  recordRef: string;
  method: string;
  created: string;
}

/**
 * Lets the login through (returns) or stops it: MfaRequiredError for a first factor, a
 * 400 for a second one that does not fit the pending session.
 */
export async function enforceMfa(deps: MfaDeps, record: RecordModel, login: LoginAttempt): Promise<void> {
  const { collection } = record;
  const mfa = collection.auth?.mfa;
  if (!mfa?.enabled) return;
  const request: RequestInfo = { ...login.request, context: login.method };
  // An account the auth rule turns away gets that answer (403) first, without an MFA session.
  if (!(await deps.auth.canAccess(record, request, collection.auth!.authRule))) return;
  if (!(await wantsMfa(deps, record, request))) return;

  const { db, clock } = deps;
  const mfaId = login.request.query.mfaId || login.mfaId;
  if (mfaId === '') {
    const id = await insertMfa(db, { record, method: login.method, now: clock.now() });
    throw new MfaRequiredError(id);
  }
  const row = await findMfa(db, mfaId);
  if (!row || isExpired(row.created, mfa.duration, clock.now())) {
    if (row) await deleteMfa(db, row.id);
    throw badRequest('Invalid or expired MFA session.');
  }
  if (row.recordRef !== String(record.values.id) || row.collectionRef !== collection.id) throw badRequest('Invalid MFA session.');
  if (row.method === login.method) throw badRequest('A different authentication method is required.');
  // Only the request that removes the session completes it: one `mfaId`, one login.
  if ((await deleteMfa(db, row.id)) === 0) throw badRequest('Invalid or expired MFA session.');
}

/** `mfa.rule` empty: every account; otherwise the accounts it matches for this request (a broken rule asks for MFA). */
async function wantsMfa(deps: MfaDeps, record: RecordModel, request: RequestInfo): Promise<boolean> {
  const rule = record.collection.auth!.mfa.rule;
  if (rule === '') return true;
  try {
    // Evaluated as the rule reads, even when a superuser makes the request.
    const found = await deps.records.findWithRule(
      deps.db,
      { collection: record.collection, id: String(record.values.id) },
      { request: { ...request, isSuperuser: false }, rule },
    );
    return found !== null;
  } catch {
    throw badRequest('Failed to authenticate.');
  }
}

/** Deletes the MFA sessions older than their collection's `mfa.duration`; returns how many. */
export async function deleteExpiredMfas(deps: { db: Database; clock: Clock; collections: CollectionRegistry }): Promise<number> {
  const now = deps.clock.now();
  let deleted = 0;
  for (const collection of deps.collections.all()) {
    if (collection.type !== 'auth' || !collection.auth) continue;
    const { changes } = await deps.db.run(`DELETE FROM ${deps.db.dialect.quoteIdent(MFAS_COLLECTION)} WHERE "collectionRef" = ? AND "created" < ?`, [
      collection.id,
      validSince(collection.auth.mfa.duration, now),
    ]);
    deleted += changes;
  }
  return deleted;
}

async function insertMfa(exec: Executor, values: { record: RecordModel; method: string; now: Date }): Promise<string> {
  const id = newRecordId();
  const stamp = formatDateTime(values.now);
  await exec.run(
    `INSERT INTO ${exec.dialect.quoteIdent(MFAS_COLLECTION)} ("id", "collectionRef", "recordRef", "method", "created", "updated") VALUES (?, ?, ?, ?, ?, ?)`,
    [id, values.record.collection.id, String(values.record.values.id), values.method, stamp, stamp],
  );
  return id;
}

async function findMfa(exec: Executor, id: string): Promise<MfaRow | null> {
  const row = await exec.get<Record<string, unknown>>(
    `SELECT "id", "collectionRef", "recordRef", "method", "created" FROM ${exec.dialect.quoteIdent(MFAS_COLLECTION)} WHERE "id" = ? LIMIT 1`,
    [id],
  );
  if (!row) return null;
  return {
    id: String(row.id ?? ''),
    collectionRef: String(row.collectionRef ?? ''),
    recordRef: String(row.recordRef ?? ''),
    method: String(row.method ?? ''),
    created: String(row.created ?? ''),
  };
}

async function deleteMfa(exec: Executor, id: string): Promise<number> {
  const { changes } = await exec.run(`DELETE FROM ${exec.dialect.quoteIdent(MFAS_COLLECTION)} WHERE "id" = ?`, [id]);
  return changes;
}
