// HS256 tokens with PocketBase's claims. A token is signed with the record's `tokenKey`
// joined to the collection's per-type secret, so rotating either invalidates it.
import { createDecoder, createSigner, createVerifier } from 'fast-jwt';
import { BoundedCache } from '../../db/bounded-cache.js';
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

type Signer = (payload: Record<string, unknown>) => string;
type Verifier = (token: string) => Record<string, unknown>;

// Every account has its own key (tokenKey + collection secret), and building a signer or a
// verifier costs several times more than using one: keep those of recently active keys.
// The HMAC runs synchronously in node:crypto, far cheaper than WebCrypto's async round trip.
const signers = new BoundedCache<string, Signer>(2000);
const verifiers = new BoundedCache<string, Verifier>(2000);
const decode = createDecoder() as (token: string) => Record<string, unknown>;

function signerFor(key: string): Signer {
  let signer = signers.get(key);
  if (!signer) {
    // No `iat`: PocketBase's tokens carry only their claims and `exp`.
    signer = createSigner({ key, algorithm: 'HS256', noTimestamp: true }) as Signer;
    signers.set(key, signer);
  }
  return signer;
}

function verifierFor(key: string): Verifier {
  let verifier = verifiers.get(key);
  if (!verifier) {
    // Expiry is checked by the caller against the injected clock; HS256 is the only algorithm.
    // A key's verifier remembers its last few verified tokens (by their exact text), so a
    // client reusing its token skips the HMAC; a new tokenKey means a new verifier.
    verifier = createVerifier({ key, algorithms: ['HS256'], ignoreExpiration: true, ignoreNotBefore: true, cache: 16 }) as Verifier;
    verifiers.set(key, verifier);
  }
  return verifier;
}

export async function signToken(
  claims: TokenClaims,
  key: string,
  options: { durationSeconds: number; clock: Clock },
): Promise<string> {
  const nowSeconds = Math.floor(options.clock.now().getTime() / 1000);
  return signerFor(key)({ ...claims, exp: nowSeconds + options.durationSeconds });
}

/**
 * Reads the claims without checking the signature: only to find which record and secret
 * to verify against. Returns null for anything that is not a well-formed token of a known type.
 */
export function readUnverifiedClaims(token: string): (TokenClaims & { exp?: number }) | null {
  let payload: Record<string, unknown>;
  try {
    payload = decode(token);
  } catch {
    return null;
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return null;
  const { id, collectionId, type } = payload;
  if (typeof id !== 'string' || id === '' || typeof collectionId !== 'string' || collectionId === '') return null;
  if (typeof type !== 'string' || !TOKEN_TYPES.includes(type as TokenType)) return null;
  return payload as unknown as TokenClaims & { exp?: number };
}

/** Verifies signature (HS256 only) and expiry; returns the claims or null. */
export async function verifyToken(token: string, key: string, clock: Clock): Promise<(TokenClaims & { exp: number }) | null> {
  if (key === '' || token === '') return null;
  let payload: Record<string, unknown>;
  try {
    payload = verifierFor(key)(token);
  } catch {
    return null;
  }
  const exp = payload.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return null;
  if (exp <= clock.now().getTime() / 1000) return null;
  return payload as unknown as TokenClaims & { exp: number };
}
