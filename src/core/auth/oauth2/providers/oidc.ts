// Generic OpenID Connect (`oidc`, `oidc2`, `oidc3`, so a collection can use three).
//
// With `extra.issuer` the provider is a full OpenID Connect client on openid-client: the
// endpoints come from the issuer's discovery document, and the ID token's signature (the
// issuer's JWKS), issuer, audience, expiry and nonce are all checked. The nonce is derived
// from the PKCE verifier, so the stateless listing in auth-methods can bind the ID token to
// the same browser session as PKCE without storing anything.
//
// Without an issuer the provider works as PocketBase's does: endpoints from authURL,
// tokenURL and userInfoURL; the user from the user-info endpoint, or from the ID token
// (signature checked when `extra.jwksURL` is set, issuer when `extra.issuers` is).
import { createHash } from 'node:crypto';
import * as openid from 'openid-client';
import { asObject, baseUser, CodeFlowProvider } from '../code-flow.js';
import type { ProviderContext, ProviderDefinition } from '../definition.js';
import { verifyIdToken } from '../id-token.js';
import { LOGOS } from '../logos.js';
import type { AuthorizationRequest, AuthUser, CodeExchange, OAuth2Provider, ProviderSettings, ProviderTokens } from '../types.js';
import { isTrue, ProviderError, stringClaim } from '../types.js';

export function oidcDefinition(name: string): ProviderDefinition {
  return {
    name,
    displayName: 'OIDC',
    order: 99,
    logo: LOGOS.oidc,
    defaults: { authURL: '', tokenURL: '', userInfoURL: '', scopes: ['openid', 'email', 'profile'], pkce: true },
    create(settings, context) {
      const issuer = stringClaim(settings.extra.issuer);
      if (issuer !== '') return new DiscoveredOidcProvider(settings, issuer);
      return new CodeFlowProvider(settings, { mapUser: (provider, tokens) => userFromEndpoints(provider, tokens, context) });
    },
  };
}

/** The nonce sent with an authorization request that uses `codeVerifier`. */
export function nonceFor(codeVerifier: string): string {
  return createHash('sha256').update(`plinth-oidc-nonce:${codeVerifier}`).digest('base64url');
}

export function userFromClaims(claims: Record<string, unknown>, tokens: ProviderTokens): AuthUser {
  const user = baseUser(tokens, claims);
  user.id = stringClaim(claims.sub);
  user.name = stringClaim(claims.name);
  user.username = stringClaim(claims.preferred_username);
  user.avatarURL = stringClaim(claims.picture);
  if (isTrue(claims.email_verified)) user.email = stringClaim(claims.email);
  return user;
}

async function userFromEndpoints(provider: CodeFlowProvider, tokens: ProviderTokens, context: ProviderContext): Promise<AuthUser> {
  const { settings } = provider;
  if (settings.userInfoURL !== '') {
    return userFromClaims(asObject(await provider.fetchJson(settings.userInfoURL, tokens)), tokens);
  }
  const claims = await verifyIdToken(tokens.idToken, {
    audience: settings.clientId,
    issuers: Array.isArray(settings.extra.issuers) ? settings.extra.issuers.map(String) : [],
    jwksURL: stringClaim(settings.extra.jwksURL),
    requireExpiry: false,
    now: context.clock.now(),
  });
  return userFromClaims(claims, tokens);
}

const DISCOVERY_TTL_MS = 60 * 60 * 1000;
const MAX_CONFIGURATIONS = 64;
const configurations = new Map<string, { config: openid.Configuration; expires: number }>();

/** Plain HTTP is allowed only for an issuer on this machine (development and tests). */
function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
}

class DiscoveredOidcProvider implements OAuth2Provider {
  constructor(
    readonly settings: ProviderSettings,
    private readonly issuer: string,
  ) {}

  async authorizationURL(request: AuthorizationRequest): Promise<URL> {
    const config = await this.configuration();
    const params: Record<string, string> = { response_type: 'code', scope: this.settings.scopes.join(' '), state: request.state };
    if (request.codeVerifier !== null) {
      params.code_challenge = await openid.calculatePKCECodeChallenge(request.codeVerifier);
      params.code_challenge_method = 'S256';
      params.nonce = nonceFor(request.codeVerifier);
    }
    return openid.buildAuthorizationUrl(config, params);
  }

  async exchangeCode(exchange: CodeExchange): Promise<ProviderTokens> {
    const config = await this.configuration();
    let callback: URL;
    try {
      callback = new URL(exchange.redirectURL);
    } catch (err) {
      throw new ProviderError('an OpenID Connect login needs the redirect URL', { cause: err });
    }
    callback.search = '';
    callback.hash = '';
    callback.searchParams.set('code', exchange.code);
    // The client does not forward `iss`; the token endpoint is this issuer's, so it is implied.
    if (config.serverMetadata().authorization_response_iss_parameter_supported) callback.searchParams.set('iss', config.serverMetadata().issuer);
    const pkce = this.settings.pkce && exchange.codeVerifier !== '';
    try {
      const response = await openid.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: pkce ? exchange.codeVerifier : undefined,
        expectedNonce: pkce ? nonceFor(exchange.codeVerifier) : undefined,
        idTokenExpected: true,
      });
      return {
        accessToken: response.access_token,
        refreshToken: response.refresh_token ?? '',
        expiresAt: typeof response.expires_in === 'number' ? new Date(Date.now() + response.expires_in * 1000) : null,
        idToken: response.id_token ?? '',
        idTokenClaims: { ...(response.claims() ?? {}) },
      };
    } catch (err) {
      throw new ProviderError('OpenID Connect code exchange failed', { cause: err });
    }
  }

  async fetchAuthUser(tokens: ProviderTokens): Promise<AuthUser> {
    const claims = tokens.idTokenClaims;
    if (!claims) throw new ProviderError('no validated ID token');
    const config = await this.configuration();
    if (!config.serverMetadata().userinfo_endpoint) return userFromClaims(claims, tokens);
    try {
      // The user-info answer must be about the ID token's subject (openid-client checks).
      const info = await openid.fetchUserInfo(config, tokens.accessToken, stringClaim(claims.sub));
      return userFromClaims({ ...claims, ...info }, tokens);
    } catch (err) {
      throw new ProviderError('user info request failed', { cause: err });
    }
  }

  private async configuration(): Promise<openid.Configuration> {
    const { clientId, clientSecret, authURL, tokenURL, userInfoURL } = this.settings;
    const key = JSON.stringify([this.issuer, clientId, clientSecret, authURL, tokenURL, userInfoURL]);
    const cached = configurations.get(key);
    if (cached && cached.expires > Date.now()) return cached.config;
    let issuerURL: URL;
    try {
      issuerURL = new URL(this.issuer);
    } catch (err) {
      throw new ProviderError('invalid issuer URL', { cause: err });
    }
    const insecure = isLoopback(issuerURL);
    const options = insecure ? { execute: [openid.allowInsecureRequests] } : undefined;
    let discovered: openid.Configuration;
    try {
      discovered = await openid.discovery(issuerURL, clientId, clientSecret, undefined, options);
    } catch (err) {
      throw new ProviderError('OpenID Connect discovery failed', { cause: err });
    }
    const metadata = { ...discovered.serverMetadata() };
    if (authURL !== '') metadata.authorization_endpoint = authURL;
    if (tokenURL !== '') metadata.token_endpoint = tokenURL;
    if (userInfoURL !== '') metadata.userinfo_endpoint = userInfoURL;
    const config = new openid.Configuration(metadata, clientId, clientSecret);
    if (insecure) openid.allowInsecureRequests(config);
    // Check the ID token's signature against the issuer's keys, not only its claims.
    openid.enableNonRepudiationChecks(config);
    if (configurations.size >= MAX_CONFIGURATIONS) configurations.clear();
    configurations.set(key, { config, expires: Date.now() + DISCOVERY_TTL_MS });
    return config;
  }
}
