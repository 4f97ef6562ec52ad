// Authorization header → identity. Anything wrong with the token (malformed, unknown
// record, wrong signature, expired, not an `auth` token) means guest, never an error:
// PocketBase behaves the same and clients rely on it.
import type { Executor } from '../../db/types.js';
import type { Clock } from '../../lib/clock.js';
import type { Collection } from '../collections/model.js';
import { findRecordById } from '../records/repository.js';
import type { RecordModel } from '../records/record.js';
import { GUEST, SUPERUSERS_COLLECTION, type AuthState } from './auth-state.js';
import { readUnverifiedClaims, verifyToken, type TokenType } from './tokens.js';

export interface TokenLookup {
  exec: Executor;
  clock: Clock;
  collectionById(id: string): Collection | undefined;
}

export function tokenFromHeader(header: string): string {
  const trimmed = header.trim();
  return /^bearer\s+/i.test(trimmed) ? trimmed.replace(/^bearer\s+/i, '') : trimmed;
}

/** The per-type secret of an auth collection's token options. */
export function tokenSecret(collection: Collection, type: TokenType): string {
  const auth = collection.auth;
  if (!auth) return '';
  switch (type) {
    case 'auth':
      return auth.authToken.secret ?? '';
    case 'file':
      return auth.fileToken.secret ?? '';
    case 'verification':
      return auth.verificationToken.secret ?? '';
    case 'passwordReset':
      return auth.passwordResetToken.secret ?? '';
    case 'emailChange':
      return auth.emailChangeToken.secret ?? '';
  }
}

/** Finds the record a token of one of `types` belongs to, verifying signature and expiry. */
export async function recordFromToken(
  lookup: TokenLookup,
  token: string,
  types: readonly TokenType[],
): Promise<{ record: RecordModel; claims: Awaited<ReturnType<typeof verifyToken>> & object } | null> {
  const unverified = readUnverifiedClaims(token);
  if (!unverified || !types.includes(unverified.type)) return null;
  const collection = lookup.collectionById(unverified.collectionId);
  if (!collection || collection.type !== 'auth') return null;
  const record = await findRecordById(lookup.exec, collection, unverified.id);
  if (!record) return null;
  const key = String(record.values.tokenKey ?? '') + tokenSecret(collection, unverified.type);
  const claims = await verifyToken(token, key, lookup.clock);
  if (!claims || claims.type !== unverified.type) return null;
  return { record, claims };
}

export async function authenticate(lookup: TokenLookup, header: string): Promise<AuthState> {
  const token = tokenFromHeader(header);
  if (token === '') return GUEST;
  const found = await recordFromToken(lookup, token, ['auth']);
  if (!found) return GUEST;
  return { record: found.record, isSuperuser: found.record.collection.name === SUPERUSERS_COLLECTION };
}
