// The shapes every OAuth2 provider shares: its configuration (built-in defaults merged
// with the collection's `oauth2.providers[]` entry), the tokens of one code exchange and
// the provider's user in PocketBase's `AuthUser` shape.

/** A provider's effective settings: the collection's values over the provider's defaults. */
export interface ProviderSettings {
  name: string;
  displayName: string;
  clientId: string;
  clientSecret: string;
  authURL: string;
  tokenURL: string;
  userInfoURL: string;
  scopes: string[];
  pkce: boolean;
  extra: Record<string, unknown>;
}

/** What a code exchange returns. `idTokenClaims` is set only once an ID token has been validated. */
export interface ProviderTokens {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires, if the provider said. */
  expiresAt: Date | null;
  idToken: string;
  idTokenClaims?: Record<string, unknown>;
}

/**
 * The provider's user, as PocketBase names it. `email` is only ever an address the provider
 * says it has verified; an unverified one stays in `rawUser` and nowhere else.
 */
export interface AuthUser {
  id: string;
  name: string;
  username: string;
  email: string;
  avatarURL: string;
  accessToken: string;
  refreshToken: string;
  expiry: Date | null;
  rawUser: Record<string, unknown>;
}

export interface AuthorizationRequest {
  state: string;
  /** The PKCE verifier whose S256 challenge goes into the URL; null without PKCE. */
  codeVerifier: string | null;
}

export interface CodeExchange {
  code: string;
  /** Empty when the client sent none. */
  codeVerifier: string;
  /** The redirect URL the authorization request used (sent again with the token request). */
  redirectURL: string;
}

/** One configured provider, ready to build authorization URLs and finish logins. */
export interface OAuth2Provider {
  readonly settings: ProviderSettings;
  /** The consent page URL, without `redirect_uri` (the client appends its own). */
  authorizationURL(request: AuthorizationRequest): Promise<URL>;
  /** Trades the authorization code for tokens (and validates the ID token when there is one). */
  exchangeCode(exchange: CodeExchange): Promise<ProviderTokens>;
  /** Reads the provider's user with the tokens of `exchangeCode`. */
  fetchAuthUser(tokens: ProviderTokens): Promise<AuthUser>;
}

/** A failure talking to a provider. Its message is for the log, never for the client. */
export class ProviderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProviderError';
  }
}

/** Reads a claim that providers send either as a boolean or as the string "true". */
export function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

export function stringClaim(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return '';
}
