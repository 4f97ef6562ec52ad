// The plain authorization-code flow shared by the providers that are not OpenID Connect
// clients: arctic builds the consent URL and runs the token exchange (with PKCE); the
// provider files only map their user. Endpoints always come from the settings, so a
// collection can point any provider at its own (or a test's) servers.
import { CodeChallengeMethod, OAuth2Client, OAuth2Tokens } from 'arctic';
import type { AuthorizationRequest, CodeExchange, OAuth2Provider, ProviderSettings, ProviderTokens, AuthUser } from './types.js';
import { ProviderError } from './types.js';

/** Providers answer within this, or the login fails (PocketBase waits as long). */
export const PROVIDER_TIMEOUT_MS = 30_000;

/**
 * How the client authenticates at the token endpoint: HTTP Basic (RFC 6749's preferred way)
 * or `client_id`/`client_secret` in the form body (what Apple and Facebook expect).
 */
export type ClientAuthStyle = 'basic' | 'body';

export type UserMapper = (provider: CodeFlowProvider, tokens: ProviderTokens) => Promise<AuthUser>;

export interface CodeFlowOptions {
  clientAuth?: ClientAuthStyle;
  /** Extra query parameters of the consent URL. */
  authParams?: Record<string, string>;
  mapUser: UserMapper;
}

export class CodeFlowProvider implements OAuth2Provider {
  constructor(
    readonly settings: ProviderSettings,
    private readonly options: CodeFlowOptions,
  ) {}

  async authorizationURL(request: AuthorizationRequest): Promise<URL> {
    const { settings } = this;
    const client = new OAuth2Client(settings.clientId, settings.clientSecret, null);
    const url =
      request.codeVerifier !== null
        ? client.createAuthorizationURLWithPKCE(settings.authURL, request.state, CodeChallengeMethod.S256, request.codeVerifier, settings.scopes)
        : client.createAuthorizationURL(settings.authURL, request.state, settings.scopes);
    for (const [key, value] of Object.entries(this.options.authParams ?? {})) url.searchParams.set(key, value);
    return url;
  }

  async exchangeCode(exchange: CodeExchange): Promise<ProviderTokens> {
    const verifier = this.settings.pkce && exchange.codeVerifier !== '' ? exchange.codeVerifier : null;
    const tokens =
      this.options.clientAuth === 'body'
        ? await this.exchangeWithBodyCredentials(exchange, verifier)
        : await new OAuth2Client(this.settings.clientId, this.settings.clientSecret, exchange.redirectURL || null)
            .validateAuthorizationCode(this.settings.tokenURL, exchange.code, verifier)
            .catch((err: unknown) => {
              throw new ProviderError('token request failed', { cause: err });
            });
    return readTokens(tokens);
  }

  fetchAuthUser(tokens: ProviderTokens): Promise<AuthUser> {
    return this.options.mapUser(this, tokens);
  }

  /** GETs a JSON document of the provider's API with the access token. */
  async fetchJson(url: string, tokens: ProviderTokens): Promise<unknown> {
    const response = await this.get(url, tokens);
    if (response.status >= 400) {
      await response.body?.cancel();
      throw new ProviderError(`user info request answered ${response.status}`);
    }
    return response.json();
  }

  get(url: string, tokens: ProviderTokens): Promise<Response> {
    return fetch(url, {
      headers: { Authorization: `Bearer ${tokens.accessToken}`, Accept: 'application/json', 'User-Agent': 'plinth' },
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    }).catch((err: unknown) => {
      throw new ProviderError('provider request failed', { cause: err });
    });
  }

  private async exchangeWithBodyCredentials(exchange: CodeExchange, verifier: string | null): Promise<OAuth2Tokens> {
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code: exchange.code,
      client_id: this.settings.clientId,
      client_secret: this.settings.clientSecret,
    });
    if (exchange.redirectURL) body.set('redirect_uri', exchange.redirectURL);
    if (verifier !== null) body.set('code_verifier', verifier);
    const response = await fetch(this.settings.tokenURL, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json', 'User-Agent': 'plinth' },
      body,
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    }).catch((err: unknown) => {
      throw new ProviderError('token request failed', { cause: err });
    });
    const data: unknown = await response.json().catch(() => null);
    if (response.status !== 200 || data === null || typeof data !== 'object') {
      throw new ProviderError(`token request answered ${response.status}`);
    }
    return new OAuth2Tokens(data);
  }
}

/** arctic's token accessors throw on missing fields; only the access token is required. */
export function readTokens(tokens: OAuth2Tokens): ProviderTokens {
  let accessToken: string;
  try {
    accessToken = tokens.accessToken();
  } catch (err) {
    // GitHub reports errors with status 200 and an `error` member instead of tokens.
    throw new ProviderError('token response has no access token', { cause: err });
  }
  const data = tokens.data as Record<string, unknown>;
  return {
    accessToken,
    refreshToken: tokens.hasRefreshToken() ? tokens.refreshToken() : '',
    expiresAt: typeof data.expires_in === 'number' ? tokens.accessTokenExpiresAt() : null,
    idToken: typeof data.id_token === 'string' ? data.id_token : '',
  };
}

export function asObject(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ProviderError('provider answered with something other than a JSON object');
  }
  return value as Record<string, unknown>;
}

/** The fields every mapper fills the same way. */
export function baseUser(tokens: ProviderTokens, rawUser: Record<string, unknown>): AuthUser {
  return {
    id: '',
    name: '',
    username: '',
    email: '',
    avatarURL: '',
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiry: tokens.expiresAt,
    rawUser,
  };
}
