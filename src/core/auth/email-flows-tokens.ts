// The single-purpose tokens of the email flows (verification, password reset, email
// change): PocketBase's claims, signed with the record's `tokenKey` joined to the
// collection's secret for that token type, lasting the collection's configured duration.
// Checking one maps each way it can be wrong to PocketBase's field error.
import type { Executor } from '../../db/types.js';
import type { Clock } from '../../lib/clock.js';
import { findSingleColumnUniqueIndex } from '../collections/index-definition.js';
import type { Collection } from '../collections/model.js';
import { fieldError, type FieldError } from '../errors/index.js';
import type { RecordModel } from '../records/record.js';
import { decodeRow, selectColumns } from '../records/repository.js';
import { recordFromToken, tokenSecret, type TokenLookup } from './authenticate.js';
import { readUnverifiedClaims, signToken, type TokenClaims } from './tokens.js';

export type EmailFlowTokenType = 'verification' | 'passwordReset' | 'emailChange';

// PocketBase's defaults, for collections whose options somehow lack a duration.
const FALLBACK_DURATION: Record<EmailFlowTokenType, number> = { verification: 259200, passwordReset: 1800, emailChange: 1800 };

function durationOf(collection: Collection, type: EmailFlowTokenType): number {
  const auth = collection.auth;
  const configured =
    type === 'verification' ? auth?.verificationToken.duration : type === 'passwordReset' ? auth?.passwordResetToken.duration : auth?.emailChangeToken.duration;
  return configured && configured > 0 ? configured : FALLBACK_DURATION[type];
}

export async function newEmailFlowToken(
  record: RecordModel,
  type: EmailFlowTokenType,
  options: { clock: Clock; newEmail?: string },
): Promise<string> {
  const collection = record.collection;
  const claims: TokenClaims = { id: String(record.values.id), type, collectionId: collection.id, email: String(record.values.email ?? '') };
  if (type === 'emailChange') claims.newEmail = options.newEmail ?? '';
  const key = String(record.values.tokenKey ?? '') + tokenSecret(collection, type);
  return signToken(claims, key, { durationSeconds: durationOf(collection, type), clock: options.clock });
}

export const INVALID_TOKEN = (): FieldError => fieldError('validation_invalid_token', 'Invalid or expired token.');
export const COLLECTION_MISMATCH = (): FieldError =>
  fieldError('validation_token_collection_mismatch', 'The provided token is for different auth collection.');

export type TokenCheck = { ok: true; record: RecordModel; claims: TokenClaims } | { ok: false; error: FieldError };

/**
 * Verifies a flow token for `collection`: right type, valid signature for the record's
 * current `tokenKey` (so a used reset token, whose password change rotated the key, fails),
 * not expired, and issued for this collection.
 */
export async function checkEmailFlowToken(
  lookup: TokenLookup,
  token: string,
  expected: { type: EmailFlowTokenType; collection: Collection },
): Promise<TokenCheck> {
  const found = await recordFromToken(lookup, token, [expected.type]);
  if (!found) return { ok: false, error: INVALID_TOKEN() };
  if (found.record.collection.id !== expected.collection.id) return { ok: false, error: COLLECTION_MISMATCH() };
  return { ok: true, record: found.record, claims: found.claims };
}

/** A claim read without verification (only to pick the error PocketBase reports first). */
export function unverifiedClaim(token: string, name: 'email' | 'newEmail'): string {
  const claims = readUnverifiedClaims(token);
  const value = claims?.[name];
  return typeof value === 'string' ? value : '';
}

/**
 * The auth record with this email in `collection`, or null. Case-insensitive when the
 * collection's unique email index is (PocketBase's default `COLLATE NOCASE`).
 */
export async function findAuthRecordByEmail(exec: Executor, collection: Collection, email: string): Promise<RecordModel | null> {
  if (email === '') return null;
  const q = exec.dialect.quoteIdent;
  const table = q(collection.name);
  const index = findSingleColumnUniqueIndex(collection.indexes, 'email');
  const noCase = index?.columns[0]?.collate.toLowerCase() === 'nocase';
  const condition = noCase ? `LOWER(${table}."email") = LOWER(?)` : `${table}."email" = ?`;
  const row = await exec.get(`SELECT ${selectColumns(exec, collection, collection.name)} FROM ${table} WHERE ${condition} LIMIT 1`, [email]);
  return row ? decodeRow(collection, row) : null;
}
