// GitHub: the profile from /user, and the email only from /user/emails, where GitHub says
// which address is primary and verified (the profile's `email` is neither guaranteed).
import { asObject, baseUser, CodeFlowProvider } from '../code-flow.js';
import type { ProviderDefinition } from '../definition.js';
import { LOGOS } from '../logos.js';
import type { ProviderTokens } from '../types.js';
import { ProviderError, stringClaim } from '../types.js';

export const github: ProviderDefinition = {
  name: 'github',
  displayName: 'GitHub',
  order: 7,
  logo: LOGOS.github,
  defaults: {
    authURL: 'https://github.com/login/oauth/authorize',
    tokenURL: 'https://github.com/login/oauth/access_token',
    userInfoURL: 'https://api.github.com/user',
    scopes: ['read:user', 'user:email'],
    // GitHub ignores the PKCE parameters it does not support, so sending them is harmless.
    pkce: true,
  },
  create: (settings) =>
    new CodeFlowProvider(settings, {
      async mapUser(provider, tokens) {
        const raw = asObject(await provider.fetchJson(provider.settings.userInfoURL, tokens));
        const user = baseUser(tokens, raw);
        user.id = stringClaim(raw.id);
        user.name = stringClaim(raw.name);
        user.username = stringClaim(raw.login);
        user.avatarURL = stringClaim(raw.avatar_url);
        user.email = await verifiedPrimaryEmail(provider, tokens);
        return user;
      },
    }),
};

async function verifiedPrimaryEmail(provider: CodeFlowProvider, tokens: ProviderTokens): Promise<string> {
  const response = await provider.get(`${provider.settings.userInfoURL.replace(/\/+$/, '')}/emails`, tokens);
  // Without the user:email scope GitHub refuses the list; the login goes on without an email.
  if (response.status === 401 || response.status === 403 || response.status === 404) {
    await response.body?.cancel();
    return '';
  }
  if (response.status >= 400) {
    await response.body?.cancel();
    throw new ProviderError(`email list request answered ${response.status}`);
  }
  const list: unknown = await response.json();
  if (!Array.isArray(list)) throw new ProviderError('email list is not an array');
  for (const entry of list) {
    if (entry && typeof entry === 'object' && entry.primary === true && entry.verified === true) return stringClaim(entry.email);
  }
  return '';
}
