// The superuser IP allowlist (a Plinth extension of PocketBase's `superuserIPs` setting).
// From an address outside the list a superuser token counts for nothing (the request is a
// guest's) and a `_superusers` login fails like a wrong password: the answer gives away
// neither the list nor whether the credentials were right.
//
// The list comes from the server's configuration (`--superuser-ips`) when set: an operator
// decision that a stolen superuser token cannot widen through the settings API. Without
// it, PocketBase's `superuserIPs` setting is used, so a PocketBase data directory keeps
// its restriction.
import { randomBytes } from 'node:crypto';
import { verifyAgainstNothing } from '../core/collections/fields/index.js';
import { SUPERUSERS_COLLECTION } from '../core/auth/auth-state.js';
import { badRequest } from '../core/errors/index.js';
import { IpList } from '../lib/ip-address.js';
import type { AuthState } from './context.js';
import { GUEST } from './context.js';
import type { Handler } from './router.js';

export interface SuperuserAllowlistDeps {
  /** From the configuration; when non-empty it is the list. */
  configured: readonly string[];
  /** The `superuserIPs` settings value (read on each request; may be anything). */
  settingsList(): unknown;
  /** A collection by name or id. */
  collection(ref: string): { name: string } | undefined;
}

const COLLECTION = '/api/collections/:collection';

/** Login routes and the message each gives for a failed attempt. */
const LOGIN_FAILURES: ReadonlyMap<string, string> = new Map([
  [`${COLLECTION}/auth-with-password`, 'Failed to authenticate.'],
  [`${COLLECTION}/auth-with-oauth2`, 'Failed to authenticate.'],
  [`${COLLECTION}/auth-with-otp`, 'Invalid or expired OTP.'],
]);


export class SuperuserAllowlist {
  private readonly configured: IpList | null;
  private lastSettings: unknown = Symbol('none');
  private fromSettings: IpList | null = null;

  constructor(private readonly deps: SuperuserAllowlistDeps) {
    this.configured = deps.configured.length > 0 ? IpList.parse(deps.configured).list : null;
  }

  /** The list in force, or null when superusers may come from anywhere. */
  private list(): IpList | null {
    if (this.configured) return this.configured;
    const value = this.deps.settingsList();
    if (value !== this.lastSettings) {
      this.lastSettings = value;
      const entries = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : [];
      this.fromSettings = entries.length > 0 ? IpList.parse(entries).list : null;
    }
    return this.fromSettings;
  }

  /** Whether a superuser may act from this address. */
  admits(ip: string): boolean {
    const list = this.list();
    return list === null || list.has(ip);
  }

  /** The identity a request really has: a superuser from outside the list is a guest. */
  screen(state: AuthState, ip: string): AuthState {
    return state.isSuperuser && !this.admits(ip) ? GUEST : state;
  }

  /** For the login routes: refuses `_superusers` logins from outside the list. */
  guardFor(route: { method: string; path: string }): Handler | null {
    const failure = route.method === 'POST' ? LOGIN_FAILURES.get(route.path) : undefined;
    if (!failure) return null;
    const isPassword = route.path.endsWith('/auth-with-password');
    return async (ctx) => {
      if (this.admits(ctx.ip)) return;
      const collection = this.deps.collection(ctx.params.collection ?? '');
      if (collection?.name !== SUPERUSERS_COLLECTION) return;
      ctx.req.resume();
      // A refused password login still spends one bcrypt comparison, as a failed one does.
      if (isPassword) await verifyAgainstNothing(randomBytes(8).toString('hex'));
      throw badRequest(failure);
    };
  }
}
