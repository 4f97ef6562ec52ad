// GitLab: /api/v4/user; the email counts only once the account is confirmed.
import { asObject, baseUser, CodeFlowProvider } from '../code-flow.js';
import type { ProviderDefinition } from '../definition.js';
import { LOGOS } from '../logos.js';
import { stringClaim } from '../types.js';

export const gitlab: ProviderDefinition = {
  name: 'gitlab',
  displayName: 'GitLab',
  order: 8,
  logo: LOGOS.gitlab,
  defaults: {
    authURL: 'https://gitlab.com/oauth/authorize',
    tokenURL: 'https://gitlab.com/oauth/token',
    userInfoURL: 'https://gitlab.com/api/v4/user',
    scopes: ['read_user'],
    pkce: true,
  },
  create: (settings) =>
    new CodeFlowProvider(settings, {
      async mapUser(provider, tokens) {
        const raw = asObject(await provider.fetchJson(provider.settings.userInfoURL, tokens));
        const user = baseUser(tokens, raw);
        user.id = stringClaim(raw.id);
        user.name = stringClaim(raw.name);
        user.username = stringClaim(raw.username);
        user.avatarURL = stringClaim(raw.avatar_url);
        const confirmedAt = Date.parse(stringClaim(raw.confirmed_at));
        if (Number.isFinite(confirmedAt)) user.email = stringClaim(raw.email);
        return user;
      },
    }),
};
