// What the registry knows about one provider before any collection configures it.
import type { Clock } from '../../../lib/clock.js';
import type { OAuth2Provider, ProviderSettings } from './types.js';

export interface ProviderDefaults {
  authURL: string;
  tokenURL: string;
  userInfoURL: string;
  scopes: string[];
  pkce: boolean;
}

/** What providers may need besides their settings. */
export interface ProviderContext {
  clock: Clock;
}

export interface ProviderDefinition {
  name: string;
  displayName: string;
  /** Position in listings (PocketBase's order; ties sort by name). */
  order: number;
  /** An SVG document shown by clients next to the login button. */
  logo: string;
  defaults: ProviderDefaults;
  create(settings: ProviderSettings, context: ProviderContext): OAuth2Provider;
}
