// Which rate-limit tags each collection route carries, as PocketBase names them. A request
// to `POST /api/collections/users/auth-with-password` is known by the labels
// `users:authWithPassword`, `users:auth`, `*:authWithPassword`, `*:auth`, then its path forms.

export interface RouteTags {
  /** Action tags, most specific first; each is tried as `<collection>:<tag>`, then `*:<tag>`. */
  readonly tags: readonly string[];
  /**
   * Whether the route is also counted by the path-only check every other route gets. The
   * record CRUD routes are (PocketBase runs both checks there, on separate counters); the
   * auth and file routes replace it with their collection check.
   */
  readonly alsoByPath: boolean;
}

const COLLECTION = '/api/collections/:collection';

function crud(tag: string): RouteTags {
  return { tags: [tag], alsoByPath: true };
}

function auth(...tags: string[]): RouteTags {
  return { tags, alsoByPath: false };
}

const ROUTE_TAGS: ReadonlyMap<string, RouteTags> = new Map([
  [`GET ${COLLECTION}/records`, crud('list')],
  [`GET ${COLLECTION}/records/:id`, crud('view')],
  [`POST ${COLLECTION}/records`, crud('create')],
  [`PATCH ${COLLECTION}/records/:id`, crud('update')],
  [`DELETE ${COLLECTION}/records/:id`, crud('delete')],
  [`GET ${COLLECTION}/auth-methods`, auth('listAuthMethods')],
  [`POST ${COLLECTION}/auth-refresh`, auth('authRefresh')],
  [`POST ${COLLECTION}/auth-with-password`, auth('authWithPassword', 'auth')],
  [`POST ${COLLECTION}/auth-with-oauth2`, auth('authWithOAuth2', 'auth')],
  [`POST ${COLLECTION}/request-otp`, auth('requestOTP')],
  [`POST ${COLLECTION}/auth-with-otp`, auth('authWithOTP', 'auth')],
  [`POST ${COLLECTION}/request-password-reset`, auth('requestPasswordReset')],
  [`POST ${COLLECTION}/confirm-password-reset`, auth('confirmPasswordReset')],
  [`POST ${COLLECTION}/request-verification`, auth('requestVerification')],
  [`POST ${COLLECTION}/confirm-verification`, auth('confirmVerification')],
  [`POST ${COLLECTION}/request-email-change`, auth('requestEmailChange')],
  [`POST ${COLLECTION}/confirm-email-change`, auth('confirmEmailChange')],
  ['GET /api/files/:collection/:recordId/:filename', auth('file')],
]);

/** The tags of a route (HEAD counts as GET), or null for routes limited by path only. */
export function routeTags(method: string, path: string): RouteTags | null {
  const key = `${method === 'HEAD' ? 'GET' : method} ${path}`;
  return ROUTE_TAGS.get(key) ?? null;
}
