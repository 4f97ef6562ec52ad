// The rate-limit check, run after routing and authentication and before the handler, so
// the collection of a collection route and the caller's audience are known. With rate
// limits disabled it costs one settings read and one boolean test per request.
import type { Logger } from 'pino';
import { AppError } from '../../core/errors/index.js';
import {
  AUTH_AUDIENCES,
  findRateLimitRule,
  GUEST_AUDIENCES,
  readRateLimits,
  type RateLimitHit,
  type RateLimitRule,
  type RateLimitStore,
} from '../../core/rate-limits/index.js';
import type { Clock } from '../../lib/clock.js';
import { IpList } from '../../lib/ip-address.js';
import type { HttpContext } from '../context.js';
import type { Handler } from '../router.js';
import { routeTags, type RouteTags } from './route-tags.js';

export interface RateLimiterDeps {
  /** The current `rateLimits` settings section (read on every request; may be partial). */
  section(): unknown;
  store: RateLimitStore;
  /** A collection by name or id, for the collection routes' tags. */
  collection(ref: string): { id: string; name: string } | undefined;
  clock: Clock;
  logger: Logger;
}

interface ActiveConfig {
  enabled: boolean;
  rules: readonly RateLimitRule[];
  excluded: IpList;
}

export function tooManyRequests(): AppError {
  return new AppError('too_many_requests');
}

export class RateLimiter {
  private lastSection: unknown = Symbol('none');
  private config: ActiveConfig = { enabled: false, rules: [], excluded: IpList.parse([]).list };
  private lastFailureLog = 0;

  constructor(private readonly deps: RateLimiterDeps) {}

  /** The check for one route (it reads the settings on each call, so changes apply at once). */
  guardFor(route: { method: string; path: string }): Handler {
    const tags = routeTags(route.method, route.path);
    const routeKey = `${route.method} ${route.path}`;
    return (ctx) => {
      const config = this.current();
      if (!config.enabled) return;
      return this.check(ctx, { config, tags, routeKey });
    };
  }

  private current(): ActiveConfig {
    const section = this.deps.section();
    if (section !== this.lastSection) {
      this.lastSection = section;
      const settings = readRateLimits(section);
      this.config = { enabled: settings.enabled, rules: settings.rules, excluded: IpList.parse(settings.excludedIPs).list };
    }
    return this.config;
  }

  private async check(ctx: HttpContext, route: { config: ActiveConfig; tags: RouteTags | null; routeKey: string }): Promise<void> {
    const { config, tags } = route;
    // Superusers are never limited, nor are excluded addresses; a request without a known
    // address cannot be told apart from others, so it is let through rather than pooled.
    if (ctx.auth.isSuperuser || ctx.ip === '' || (config.excluded.size > 0 && config.excluded.has(ctx.ip))) return;
    const audiences = ctx.auth.record ? AUTH_AUDIENCES : GUEST_AUDIENCES;
    const path = labelPath(ctx.path);
    const pathLabels = [`${ctx.method} ${path}`, path];
    const hits: RateLimitHit[] = [];
    const hit = (bucket: string, rule: RateLimitRule) =>
      hits.push({ key: `${bucket}|${ctx.ip}`, maxRequests: rule.maxRequests, durationMs: rule.duration * 1000 });
    if (!tags || tags.alsoByPath) {
      const rule = findRateLimitRule(config.rules, pathLabels, audiences);
      if (rule) hit(`${rule.label}${rule.audience}`, rule);
    }
    // An unknown collection is the handler's 404 to give.
    const collection = tags ? this.deps.collection(ctx.params.collection ?? '') : undefined;
    if (tags && collection) {
      const labels = [...tags.tags.map((t) => `${collection.name}:${t}`), ...tags.tags.map((t) => `*:${t}`), ...pathLabels];
      const rule = findRateLimitRule(config.rules, labels, audiences);
      // Keyed by collection and route, so `*:create` counts each collection separately.
      if (rule) hit(`${collection.id}${route.routeKey}${tags.tags.join('')}${rule.audience}`, rule);
    }
    if (hits.length > 0) await this.consume(hits);
  }

  private async consume(hits: RateLimitHit[]): Promise<void> {
    let allowed: boolean[];
    try {
      allowed = await this.deps.store.consume(hits, this.deps.clock.now().getTime());
    } catch (err) {
      // A counter store that cannot answer must not take the API down with it: let the
      // request through and say so in the log (at most once a minute).
      const now = Date.now();
      if (now - this.lastFailureLog > 60_000) {
        this.lastFailureLog = now;
        this.deps.logger.warn({ err }, 'rate limit store failed; requests are not limited meanwhile');
      }
      return;
    }
    if (allowed.includes(false)) throw tooManyRequests();
  }
}

/**
 * The path as rules name it: percent-decoded (so `/api/%62atch` is `/api/batch`) and without
 * a trailing slash (the router ignores it, so the limits must too).
 */
function labelPath(raw: string): string {
  let path = raw;
  if (path.includes('%')) {
    try {
      path = decodeURIComponent(path);
    } catch {
      // Malformed escapes: the raw form is as good a label as any.
    }
  }
  return path.length > 1 && path.endsWith('/') ? path.replace(/\/+$/, '') || '/' : path;
}
