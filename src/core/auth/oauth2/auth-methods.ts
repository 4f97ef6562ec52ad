// The OAuth2 part of `auth-methods`: for each enabled provider a fresh state and PKCE pair
// and the consent URL built from them. Nothing is stored: the client keeps the state and
// verifier and sends the verifier back with the code. The URL ends with `&redirect_uri=`
// for the client to append its own redirect URL, as PocketBase's does.
import { createHash } from 'node:crypto';
import { randomString } from '../../../lib/ids.js';
import type { Collection } from '../../collections/model.js';
import type { ProviderContext } from './definition.js';
import type { ProviderRegistry } from './registry.js';

export interface ProviderInfo {
  name: string;
  displayName: string;
  logo: string;
  state: string;
  authURL: string;
  /** Deprecated spelling PocketBase still sends for older clients. */
  authUrl: string;
  codeVerifier: string;
  codeChallenge: string;
  codeChallengeMethod: string;
}

export interface OAuth2Methods {
  oauth2: { providers: ProviderInfo[]; enabled: boolean };
  /** The pre-0.23 list: the same providers without logos. */
  authProviders: ProviderInfo[];
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function s256Challenge(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier).digest('base64url');
}

export async function listOAuth2Methods(
  collection: Collection,
  registry: ProviderRegistry,
  context: ProviderContext,
): Promise<OAuth2Methods> {
  const options = collection.auth?.oauth2;
  if (!options?.enabled) return { oauth2: { providers: [], enabled: false }, authProviders: [] };
  const built = await Promise.all(
    options.providers.map(async (config): Promise<ProviderInfo | null> => {
      const provider = registry.create(config, context);
      if (!provider) return null;
      const state = randomString(30, ALPHANUMERIC);
      const codeVerifier = provider.settings.pkce ? randomString(43, ALPHANUMERIC) : null;
      let url: URL;
      try {
        url = await provider.authorizationURL({ state, codeVerifier });
      } catch {
        // A provider that cannot be set up (bad URL, unreachable issuer) is left out, as
        // PocketBase leaves out providers it fails to initialise.
        return null;
      }
      const authURL = `${url.toString()}&redirect_uri=`;
      return {
        name: config.name,
        displayName: provider.settings.displayName || config.name,
        logo: registry.get(config.name)?.logo ?? '',
        state,
        authURL,
        authUrl: authURL,
        codeVerifier: codeVerifier ?? '',
        codeChallenge: codeVerifier ? s256Challenge(codeVerifier) : '',
        codeChallengeMethod: codeVerifier ? 'S256' : '',
      };
    }),
  );
  const providers = built.filter((p): p is ProviderInfo => p !== null);
  return { oauth2: { providers, enabled: true }, authProviders: providers.map((p) => ({ ...p, logo: '' })) };
}
