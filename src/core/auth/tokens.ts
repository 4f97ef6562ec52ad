// HS256 tokens with PocketBase's claims. A token is signed with the record's `tokenKey`
// joined to the collection's per-type secret, so rotating either invalidates it.
import { SignJWT, decodeJwt, jwtVerify } from 'jose';
import type { Clock } from '../../lib/clock.js';

export type TokenType = 'auth' | 'file' | 'verification' | 'passwordReset' | 'emailChange';

export const TOKEN_TYPES: readonly TokenType[] = ['auth', 'file', 'verification', 'passwordReset', 'emailChange'];

export interface TokenClaims {
  type: TokenType;
  id: string;
  collectionId: string;
  refreshable?: boolean;
  email?: string;
  newEmail?: string;
}

const encoder = new TextEncoder();

export async function signToken(
  claims: TokenClaims,
  key: string,
  options: { durationSeconds: number; clock: Clock },
): Promise<string> {
  const nowSeconds = Math.floor(options.clock.now().getTime() / 1000);
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setExpirationTime(nowSeconds + options.durationSeconds)
    .sign(encoder.encode(key));
}

/**
 * Reads the claims without checking the signature: only to find which record and secret
 * to verify against. Returns null for anything that is not a well-formed token of a known type.
 */
export function readUnverifiedClaims(token: string): (TokenClaims & { exp?: number }) | null {
  let payload: Record<string, unknown>;
  try {
    payload = decodeJwt(token);
  } catch {
    return null;
  }
  const { id, collectionId, type } = payload;
  if (typeof id !== 'string' || id === '' || typeof collectionId !== 'string' || collectionId === '') return null;
  if (typeof type !== 'string' || !TOKEN_TYPES.includes(type as TokenType)) return null;
  return payload as unknown as TokenClaims & { exp?: number };
}

/** Verifies signature (HS256 only) and expiry; returns the claims or null. */
export async function verifyToken(token: string, key: string, clock: Clock): Promise<(TokenClaims & { exp: number }) | null> {
  if (key === '') return null;
  try {
    const { payload } = await jwtVerify(token, encoder.encode(key), {
      algorithms: ['HS256'],
      currentDate: clock.now(),
      requiredClaims: ['exp'],
    });
    return payload as unknown as TokenClaims & { exp: number };
  } catch {
    return null;
  }
}
