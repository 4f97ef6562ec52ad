// Sign in with Apple: no user-info endpoint; the user is the ID token, whose signature is
// checked against Apple's keys. Apple sends the name only once, in the form it posts to
// the redirect URL (see redirect.ts), never in the token.
import { baseUser, CodeFlowProvider } from '../code-flow.js';
import type { ProviderDefinition } from '../definition.js';
import { verifyIdToken } from '../id-token.js';
import { LOGOS } from '../logos.js';
import { isTrue, stringClaim } from '../types.js';

export const APPLE_ISSUER = 'https://appleid.apple.com';

export const apple: ProviderDefinition = {
  name: 'apple',
  displayName: 'Apple',
  order: 1,
  logo: LOGOS.apple,
  defaults: {
    authURL: 'https://appleid.apple.com/auth/authorize',
    tokenURL: 'https://appleid.apple.com/auth/token',
    userInfoURL: '',
    scopes: ['name', 'email'],
    pkce: true,
  },
  create: (settings, context) =>
    new CodeFlowProvider(settings, {
      clientAuth: 'body',
      // Apple requires a form post to the redirect URL when the name or email is requested.
      authParams: { response_mode: 'form_post' },
      async mapUser(provider, tokens) {
        const extra = provider.settings.extra;
        const issuers = Array.isArray(extra.issuers) ? extra.issuers.map(String) : [APPLE_ISSUER];
        const claims = await verifyIdToken(tokens.idToken, {
          audience: provider.settings.clientId,
          issuers,
          jwksURL: stringClaim(extra.jwksURL) || `${APPLE_ISSUER}/auth/keys`,
          requireExpiry: true,
          now: context.clock.now(),
        });
        const user = baseUser(tokens, claims);
        user.id = stringClaim(claims.sub);
        user.name = stringClaim(claims.name);
        if (isTrue(claims.email_verified)) user.email = stringClaim(claims.email);
        return user;
      },
    }),
};
