// Google: OpenID-style user info; the email counts only with `email_verified`.
import { asObject, baseUser, CodeFlowProvider } from '../code-flow.js';
import type { ProviderDefinition } from '../definition.js';
import { LOGOS } from '../logos.js';
import { isTrue, stringClaim } from '../types.js';

export const google: ProviderDefinition = {
  name: 'google',
  displayName: 'Google',
  order: 2,
  logo: LOGOS.google,
  defaults: {
    authURL: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenURL: 'https://oauth2.googleapis.com/token',
    userInfoURL: 'https://www.googleapis.com/oauth2/v3/userinfo',
    scopes: ['https://www.googleapis.com/auth/userinfo.profile', 'https://www.googleapis.com/auth/userinfo.email'],
    pkce: true,
  },
  create: (settings) =>
    new CodeFlowProvider(settings, {
      async mapUser(provider, tokens) {
        const raw = asObject(await provider.fetchJson(provider.settings.userInfoURL, tokens));
        const user = baseUser(tokens, raw);
        user.id = stringClaim(raw.sub);
        user.name = stringClaim(raw.name);
        user.avatarURL = stringClaim(raw.picture);
        if (isTrue(raw.email_verified)) user.email = stringClaim(raw.email);
        return user;
      },
    }),
};
