// ID tokens read outside openid-client (Apple, and OIDC providers configured by endpoint
// URLs instead of an issuer): the signature against the provider's JWKS when one is known,
// then audience, issuer and time claims with PocketBase's leeway.
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { PROVIDER_TIMEOUT_MS } from './code-flow.js';
import { ProviderError } from './types.js';

/** Clock skew tolerated on `exp`, `iat` and `nbf` (PocketBase allows five minutes). */
export const ID_TOKEN_LEEWAY_SECONDS = 300;

export interface IdTokenChecks {
  audience: string;
  /** Accepted `iss` values; empty accepts any. */
  issuers: string[];
  /** Where the signing keys are; without it the signature is not checked (see docs/auth.md). */
  jwksURL: string;
  requireExpiry: boolean;
  now: Date;
}

// One remote key set per URL, so keys are fetched once and refreshed by jose on rotation.
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
const MAX_KEY_SETS = 64;

function keySet(url: string): ReturnType<typeof createRemoteJWKSet> {
  let set = keySets.get(url);
  if (!set) {
    if (keySets.size >= MAX_KEY_SETS) keySets.clear();
    set = createRemoteJWKSet(new URL(url), { timeoutDuration: PROVIDER_TIMEOUT_MS });
    keySets.set(url, set);
  }
  return set;
}

export async function verifyIdToken(token: string, checks: IdTokenChecks): Promise<Record<string, unknown>> {
  if (token === '') throw new ProviderError('the token response has no id_token');
  try {
    if (checks.jwksURL !== '') {
      const { payload } = await jwtVerify(token, keySet(checks.jwksURL), {
        audience: checks.audience,
        issuer: checks.issuers.length > 0 ? checks.issuers : undefined,
        clockTolerance: ID_TOKEN_LEEWAY_SECONDS,
        currentDate: checks.now,
        requiredClaims: checks.requireExpiry ? ['exp'] : [],
      });
      return { ...payload };
    }
    const claims = decodeJwt(token);
    checkClaims(claims, checks);
    return { ...claims };
  } catch (err) {
    if (err instanceof ProviderError) throw err;
    const reason = err instanceof joseErrors.JOSEError ? err.code : 'malformed';
    throw new ProviderError(`invalid id_token (${reason})`, { cause: err });
  }
}

/** The same checks jose makes, for tokens whose signature cannot be checked. */
function checkClaims(claims: JWTPayload, checks: IdTokenChecks): void {
  const now = Math.floor(checks.now.getTime() / 1000);
  const audiences = Array.isArray(claims.aud) ? claims.aud : claims.aud === undefined ? [] : [claims.aud];
  if (!audiences.includes(checks.audience)) throw new ProviderError('id_token audience mismatch');
  if (checks.issuers.length > 0 && !checks.issuers.includes(String(claims.iss ?? ''))) {
    throw new ProviderError('id_token issuer mismatch');
  }
  if (claims.exp === undefined ? checks.requireExpiry : claims.exp + ID_TOKEN_LEEWAY_SECONDS < now) {
    throw new ProviderError('id_token expired');
  }
  if (claims.iat !== undefined && claims.iat - ID_TOKEN_LEEWAY_SECONDS > now) throw new ProviderError('id_token issued in the future');
  if (claims.nbf !== undefined && claims.nbf - ID_TOKEN_LEEWAY_SECONDS > now) throw new ProviderError('id_token not yet valid');
}

/** Claims of a token received directly from the provider's token endpoint, time-checked only. */
export function readTrustedIdTokenClaims(token: string, now: Date): Record<string, unknown> | null {
  if (token === '') return null;
  try {
    const claims = decodeJwt(token);
    const seconds = Math.floor(now.getTime() / 1000);
    if (claims.exp !== undefined && claims.exp + ID_TOKEN_LEEWAY_SECONDS < seconds) return null;
    if (claims.iat !== undefined && claims.iat - ID_TOKEN_LEEWAY_SECONDS > seconds) return null;
    return { ...claims };
  } catch {
    return null;
  }
}
