// Facebook: the Graph API's /me. Facebook only returns an email it has confirmed, so the
// email is taken as verified (as PocketBase does).
import { asObject, baseUser, CodeFlowProvider } from '../code-flow.js';
import type { ProviderDefinition } from '../definition.js';
import { LOGOS } from '../logos.js';
import { stringClaim } from '../types.js';

export const facebook: ProviderDefinition = {
  name: 'facebook',
  displayName: 'Facebook',
  order: 5,
  logo: LOGOS.facebook,
  defaults: {
    authURL: 'https://www.facebook.com/v16.0/dialog/oauth',
    tokenURL: 'https://graph.facebook.com/v16.0/oauth/access_token',
    userInfoURL: 'https://graph.facebook.com/me?fields=name,email,picture.type(large)',
    scopes: ['email'],
    pkce: true,
  },
  create: (settings) =>
    new CodeFlowProvider(settings, {
      clientAuth: 'body',
      async mapUser(provider, tokens) {
        const raw = asObject(await provider.fetchJson(provider.settings.userInfoURL, tokens));
        const user = baseUser(tokens, raw);
        user.id = stringClaim(raw.id);
        user.name = stringClaim(raw.name);
        user.email = stringClaim(raw.email);
        const picture = raw.picture as { data?: { url?: unknown } } | undefined;
        user.avatarURL = stringClaim(picture?.data?.url);
        return user;
      },
    }),
};
