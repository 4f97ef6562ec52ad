// OAuth2 login: providers, the auth-methods listing, auth-with-oauth2 and the redirect seam.
export type { AuthUser, OAuth2Provider, ProviderSettings, ProviderTokens } from './types.js';
export type { ProviderDefinition, ProviderContext } from './definition.js';
export { ProviderRegistry, builtInProviders, type ProviderListItem } from './registry.js';
export { listOAuth2Methods, type OAuth2Methods, type ProviderInfo } from './auth-methods.js';
export { OAuth2Service, type OAuth2ServiceDeps } from './oauth2-service.js';
export {
  OAuth2Redirects,
  type OAuth2RedirectInput,
  type OAuth2RedirectMessage,
  type OAuth2RedirectTarget,
  type RedirectOutcome,
} from './redirect.js';
