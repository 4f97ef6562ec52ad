// `/api/oauth2-redirect`: the provider sends the browser back here with `code` and `state`
// in the all-in-one (popup) flow, and the code is handed to the realtime client whose id is
// the `state`, as an `@oauth2` message. The realtime module implements the delivery
// (`OAuth2RedirectTarget`, src/core/realtime/oauth2-delivery.ts) and the core attaches it;
// without one no client ever matches, and the redirect answers as PocketBase does when none
// does. The provider's error is delivered too (the SDK then fails the login at once).

/** What the waiting client receives (PocketBase's `@oauth2` message data). */
export interface OAuth2RedirectMessage {
  state: string;
  code: string;
  error?: string;
}

export interface OAuth2RedirectTarget {
  /**
   * Sends `message` to the realtime client with id `clientId` when that client is connected,
   * subscribed to `@oauth2` and (if it recorded one) connected from `origin.ip`. A found and
   * subscribed client loses its `@oauth2` subscription either way: one redirect per login.
   * Answers whether the client received the message.
   */
  deliver(clientId: string, message: OAuth2RedirectMessage, origin: { ip: string }): Promise<boolean>;
}

export interface OAuth2RedirectInput {
  state: string;
  code: string;
  error: string;
  /** Apple's one-time `user` form value (JSON with the name), posted with the code. */
  appleUser: string;
}

export type RedirectOutcome = 'success' | 'failure';

const APPLE_NAME_TTL_MS = 60_000;
const MAX_APPLE_NAMES = 10_000;
const MAX_NAME_LENGTH = 150;

/**
 * Apple's user name, kept for a minute between the redirect that carries it and the
 * auth-with-oauth2 call that needs it. In memory: with several nodes the name is only found
 * when both requests reach the same node, and is otherwise left empty (see docs/auth.md).
 */
export class AppleNameStore {
  private readonly names = new Map<string, { name: string; expires: number }>();

  put(code: string, name: string, now: number): void {
    if (code.length > 1000) return;
    for (const [key, entry] of this.names) if (entry.expires <= now) this.names.delete(key);
    if (this.names.size >= MAX_APPLE_NAMES) return;
    this.names.set(code, { name, expires: now + APPLE_NAME_TTL_MS });
  }

  take(code: string, now: number): string {
    const entry = this.names.get(code);
    this.names.delete(code);
    return entry && entry.expires > now ? entry.name : '';
  }
}

/** `{"name":{"firstName":…,"lastName":…}}` → "First Last" (empty when unreadable). */
export function appleUserName(json: string): string {
  try {
    const parsed: unknown = JSON.parse(json);
    const name = (parsed as { name?: { firstName?: unknown; lastName?: unknown } } | null)?.name;
    const first = typeof name?.firstName === 'string' ? name.firstName : '';
    const last = typeof name?.lastName === 'string' ? name.lastName : '';
    return `${first} ${last}`.slice(0, MAX_NAME_LENGTH).trim();
  } catch {
    return '';
  }
}

export class OAuth2Redirects {
  private target: OAuth2RedirectTarget | null = null;

  constructor(
    private readonly appleNames: AppleNameStore,
    private readonly now: () => number,
  ) {}

  /** Called by the realtime module once it can deliver messages to its clients. */
  attach(target: OAuth2RedirectTarget): void {
    this.target = target;
  }

  async handle(input: OAuth2RedirectInput, origin: { ip: string }): Promise<RedirectOutcome> {
    if (input.state === '' || !this.target) return 'failure';
    const message: OAuth2RedirectMessage = { state: input.state, code: input.code };
    if (input.error !== '') message.error = input.error;
    // Stored before the client hears of the code, since it calls auth-with-oauth2 right away.
    const appleName = input.appleUser !== '' && input.error === '' && input.code !== '' ? appleUserName(input.appleUser) : '';
    if (appleName !== '') this.appleNames.put(input.code, appleName, this.now());
    const delivered = await this.target.deliver(input.state, message, origin);
    if (!delivered) {
      if (appleName !== '') this.appleNames.take(input.code, this.now());
      return 'failure';
    }
    return input.error !== '' || input.code === '' ? 'failure' : 'success';
  }
}
