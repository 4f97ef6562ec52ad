// Microsoft (Entra ID): the profile from Graph's /me. Which email to trust is the delicate
// part: Graph's `mail` is set by the user's tenant admin, so on the multi-tenant endpoints
// anyone can create a tenant that claims any address. The email is therefore read from the
// ID token's verification claims (`extra.idTokenEmailClaim` picks which, as in
// PocketBase); Graph's `mail` is used only for a single, named tenant.
import { asObject, baseUser, CodeFlowProvider } from '../code-flow.js';
import type { ProviderDefinition } from '../definition.js';
import { readTrustedIdTokenClaims } from '../id-token.js';
import { LOGOS } from '../logos.js';
import { isTrue, stringClaim } from '../types.js';

const MULTI_TENANT = new Set(['common', 'organizations', 'consumers']);

export const microsoft: ProviderDefinition = {
  name: 'microsoft',
  displayName: 'Microsoft',
  order: 3,
  logo: LOGOS.microsoft,
  defaults: {
    authURL: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenURL: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    userInfoURL: 'https://graph.microsoft.com/v1.0/me',
    // `openid` so that the token response carries an ID token with the email claims.
    scopes: ['User.Read', 'openid'],
    pkce: true,
  },
  create: (settings, context) =>
    new CodeFlowProvider(settings, {
      async mapUser(provider, tokens) {
        const raw = asObject(await provider.fetchJson(provider.settings.userInfoURL, tokens));
        const user = baseUser(tokens, raw);
        user.id = stringClaim(raw.id);
        user.name = stringClaim(raw.displayName);
        const claims = readTrustedIdTokenClaims(tokens.idToken, context.clock.now()) ?? {};
        user.email = pickEmail(stringClaim(provider.settings.extra.idTokenEmailClaim), claims, {
          graphMail: stringClaim(raw.mail),
          singleTenant: isSingleTenant(provider.settings.authURL),
        });
        return user;
      },
    }),
};

function verifiedPrimary(claims: Record<string, unknown>): string {
  const value = claims.verified_primary_email;
  return Array.isArray(value) ? stringClaim(value[0]) : stringClaim(value);
}

function domainOwnerVerified(claims: Record<string, unknown>): string {
  return isTrue(claims.xms_edov) ? stringClaim(claims.email) : '';
}

function pickEmail(mode: string, claims: Record<string, unknown>, graph: { graphMail: string; singleTenant: boolean }): string {
  switch (mode) {
    case 'verified_primary_email':
      return verifiedPrimary(claims);
    case 'email_and_xms_edov':
      return domainOwnerVerified(claims);
    case 'email':
      return stringClaim(claims.email);
    case 'any_verified':
      return verifiedPrimary(claims) || domainOwnerVerified(claims);
    default:
      return verifiedPrimary(claims) || domainOwnerVerified(claims) || (graph.singleTenant ? graph.graphMail : '');
  }
}

function isSingleTenant(authURL: string): boolean {
  try {
    const tenant = new URL(authURL).pathname.split('/').filter(Boolean)[0] ?? '';
    return tenant !== '' && !MULTI_TENANT.has(tenant.toLowerCase());
  } catch {
    return false;
  }
}
