// Rows of the `_otps` system table, in PocketBase's columns and encodings (bcrypt hash in
// `password`, datetimes as sortable text), so PocketBase reads what Plinth writes and the
// other way round. Plain SQL: these rows are the server's own bookkeeping, never a client's
// record write, so they skip the records service (rules, hooks, field validation).
import type { Executor } from '../../db/types.js';
import { formatDateTime, parseDateTime } from '../../lib/dates.js';
import { newRecordId } from '../../lib/ids.js';
import { OTPS_COLLECTION } from '../collections/names.js';

export interface OtpRow {
  id: string;
  collectionRef: string;
  recordRef: string;
  /** bcrypt hash of the code. */
  password: string;
  /** Where the code was sent (an email address), or ''. */
  sentTo: string;
  created: string;
}

const COLUMNS = ['id', 'collectionRef', 'recordRef', 'password', 'sentTo', 'created'] as const;

function selectList(exec: Executor): string {
  return COLUMNS.map((c) => exec.dialect.quoteIdent(c)).join(', ');
}

function toRow(raw: Record<string, unknown>): OtpRow {
  return {
    id: String(raw.id ?? ''),
    collectionRef: String(raw.collectionRef ?? ''),
    recordRef: String(raw.recordRef ?? ''),
    password: String(raw.password ?? ''),
    sentTo: String(raw.sentTo ?? ''),
    created: String(raw.created ?? ''),
  };
}

/** True once more than `durationSeconds` have passed since the row was created (unreadable dates count as expired). */
export function isExpired(created: string, durationSeconds: number, now: Date): boolean {
  const at = parseDateTime(created);
  if (!at) return true;
  return now.getTime() - at.getTime() > durationSeconds * 1000;
}

/** The oldest `created` value that is still within `durationSeconds` of `now`. */
export function validSince(durationSeconds: number, now: Date): string {
  return formatDateTime(new Date(now.getTime() - durationSeconds * 1000));
}

export async function insertOtp(
  exec: Executor,
  values: { collectionRef: string; recordRef: string; passwordHash: string; sentTo: string; now: Date },
): Promise<OtpRow> {
  const stamp = formatDateTime(values.now);
  const row: OtpRow = {
    id: newRecordId(),
    collectionRef: values.collectionRef,
    recordRef: values.recordRef,
    password: values.passwordHash,
    sentTo: values.sentTo,
    created: stamp,
  };
  const q = exec.dialect.quoteIdent;
  await exec.run(
    `INSERT INTO ${q(OTPS_COLLECTION)} (${selectList(exec)}, ${q('updated')}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [row.id, row.collectionRef, row.recordRef, row.password, row.sentTo, row.created, stamp],
  );
  return row;
}

export async function findOtp(exec: Executor, id: string): Promise<OtpRow | null> {
  const raw = await exec.get(`SELECT ${selectList(exec)} FROM ${exec.dialect.quoteIdent(OTPS_COLLECTION)} WHERE "id" = ? LIMIT 1`, [id]);
  return raw ? toRow(raw) : null;
}

/** The record's codes created at or after `since`, newest first. */
export async function liveOtpsOf(exec: Executor, owner: { collectionRef: string; recordRef: string }, since: string): Promise<OtpRow[]> {
  const rows = await exec.all(
    `SELECT ${selectList(exec)} FROM ${exec.dialect.quoteIdent(OTPS_COLLECTION)} ` +
      `WHERE "collectionRef" = ? AND "recordRef" = ? AND "created" >= ? ORDER BY "created" DESC, "id" DESC`,
    [owner.collectionRef, owner.recordRef, since],
  );
  return rows.map(toRow);
}

/** Deletes one code; the count says whether this caller was the one that removed it. */
export async function deleteOtp(exec: Executor, id: string): Promise<number> {
  const { changes } = await exec.run(`DELETE FROM ${exec.dialect.quoteIdent(OTPS_COLLECTION)} WHERE "id" = ?`, [id]);
  return changes;
}

/** Deletes a collection's codes (or one record's, with `recordRef`) created before `before`. */
export async function deleteOtpsBefore(exec: Executor, owner: { collectionRef: string; recordRef?: string }, before: string): Promise<number> {
  const byRecord = owner.recordRef !== undefined ? ` AND "recordRef" = ?` : '';
  const params = owner.recordRef !== undefined ? [owner.collectionRef, owner.recordRef, before] : [owner.collectionRef, before];
  const { changes } = await exec.run(
    `DELETE FROM ${exec.dialect.quoteIdent(OTPS_COLLECTION)} WHERE "collectionRef" = ?${byRecord} AND "created" < ?`,
    params,
  );
  return changes;
}
