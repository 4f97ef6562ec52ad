// The providers Plinth knows, by name, and how a collection's provider entry becomes a
// ready provider (the entry's values over the provider's defaults, as PocketBase merges them).
import type { OAuth2ProviderConfig } from '../../collections/model.js';
import type { ProviderContext, ProviderDefinition } from './definition.js';
import { apple } from './providers/apple.js';
import { discord } from './providers/discord.js';
import { facebook } from './providers/facebook.js';
import { github } from './providers/github.js';
import { gitlab } from './providers/gitlab.js';
import { google } from './providers/google.js';
import { microsoft } from './providers/microsoft.js';
import { oidcDefinition } from './providers/oidc.js';
import type { OAuth2Provider, ProviderSettings } from './types.js';

export interface ProviderListItem {
  name: string;
  displayName: string;
  logo: string;
}

export class ProviderRegistry {
  private readonly byName = new Map<string, ProviderDefinition>();

  constructor(definitions: readonly ProviderDefinition[]) {
    for (const definition of definitions) this.byName.set(definition.name, definition);
  }

  names(): ReadonlySet<string> {
    return new Set(this.byName.keys());
  }

  get(name: string): ProviderDefinition | undefined {
    return this.byName.get(name);
  }

  /** Every provider in listing order: PocketBase's order, then name. */
  list(): ProviderListItem[] {
    return [...this.byName.values()]
      .sort((a, b) => a.order - b.order || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((d) => ({ name: d.name, displayName: d.displayName, logo: d.logo }));
  }

  /** The provider for one collection entry; null when no provider has that name. */
  create(config: OAuth2ProviderConfig, context: ProviderContext): OAuth2Provider | null {
    const definition = this.byName.get(config.name);
    return definition ? definition.create(settingsFor(definition, config), context) : null;
  }
}

export function settingsFor(definition: ProviderDefinition, config: OAuth2ProviderConfig): ProviderSettings {
  const { defaults } = definition;
  return {
    name: definition.name,
    displayName: config.displayName || definition.displayName,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    authURL: config.authURL || defaults.authURL,
    tokenURL: config.tokenURL || defaults.tokenURL,
    userInfoURL: config.userInfoURL || defaults.userInfoURL,
    scopes: [...defaults.scopes],
    pkce: config.pkce ?? defaults.pkce,
    extra: { ...(config.extra ?? {}) },
  };
}

export const builtInProviders = new ProviderRegistry([
  apple,
  google,
  microsoft,
  facebook,
  github,
  gitlab,
  discord,
  oidcDefinition('oidc'),
  oidcDefinition('oidc2'),
  oidcDefinition('oidc3'),
]);
