// Discord: /users/@me; the email counts only with `verified`; the avatar is a CDN URL
// built from the avatar hash.
import { asObject, baseUser, CodeFlowProvider } from '../code-flow.js';
import type { ProviderDefinition } from '../definition.js';
import { LOGOS } from '../logos.js';
import { stringClaim } from '../types.js';

export const discord: ProviderDefinition = {
  name: 'discord',
  displayName: 'Discord',
  order: 12,
  logo: LOGOS.discord,
  defaults: {
    authURL: 'https://discord.com/api/oauth2/authorize',
    tokenURL: 'https://discord.com/api/oauth2/token',
    userInfoURL: 'https://discord.com/api/users/@me',
    scopes: ['identify', 'email'],
    pkce: true,
  },
  create: (settings) =>
    new CodeFlowProvider(settings, {
      async mapUser(provider, tokens) {
        const raw = asObject(await provider.fetchJson(provider.settings.userInfoURL, tokens));
        const user = baseUser(tokens, raw);
        user.id = stringClaim(raw.id);
        user.username = stringClaim(raw.username);
        // Accounts from before unique usernames still carry a discriminator ("name#1234").
        const discriminator = stringClaim(raw.discriminator);
        const legacyName = discriminator !== '' && discriminator !== '0' ? `${user.username}#${discriminator}` : user.username;
        user.name = stringClaim(raw.global_name) || legacyName;
        const avatar = stringClaim(raw.avatar);
        if (avatar !== '') user.avatarURL = `https://cdn.discordapp.com/avatars/${encodeURIComponent(user.id)}/${encodeURIComponent(avatar)}.png`;
        if (raw.verified === true) user.email = stringClaim(raw.email);
        return user;
      },
    }),
};
