// PocketBase's rate-limit rules: which rule applies to a request, given the labels the
// request carries (most specific first) and the audiences it belongs to.
//
// A label is a tag (`users:create`, `*:auth`, `myTag`), a path (`/api/batch`), a method and
// path (`POST /api/batch`), or a path prefix ending in `/` (`/api/`). Labels are tried in
// order; for each, an exact rule wins, then (for the first label only, the most specific
// path form) the first prefix rule that covers it.
import type { RateLimitAudience, RateLimitRule, RateLimitSettings } from '../settings.js';

export type { RateLimitAudience, RateLimitRule, RateLimitSettings };

export const AUDIENCE_ALL: RateLimitAudience = '';
export const AUDIENCE_GUEST: RateLimitAudience = '@guest';
export const AUDIENCE_AUTH: RateLimitAudience = '@auth';

/** The audiences a request can match: everyone plus guests, or everyone plus authenticated. */
export const GUEST_AUDIENCES: readonly RateLimitAudience[] = [AUDIENCE_ALL, AUDIENCE_GUEST];
export const AUTH_AUDIENCES: readonly RateLimitAudience[] = [AUDIENCE_ALL, AUDIENCE_AUTH];

export const DISABLED_RATE_LIMITS: RateLimitSettings = Object.freeze({ enabled: false, rules: [], excludedIPs: [] });

function isAudience(value: unknown): value is RateLimitAudience {
  return value === '' || value === '@guest' || value === '@auth';
}

function positiveInteger(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : null;
}

/**
 * The `rateLimits` settings section as a value the limiter can trust. A stored document
 * may come from anywhere (an older Plinth, PocketBase, a hand edit): rules that cannot
 * work (no label, no positive window or allowance, unknown audience) are left out rather
 * than guessed at.
 */
export function readRateLimits(section: unknown): RateLimitSettings {
  if (!section || typeof section !== 'object') return DISABLED_RATE_LIMITS;
  const raw = section as { enabled?: unknown; rules?: unknown; excludedIPs?: unknown };
  const rules: RateLimitRule[] = [];
  for (const item of Array.isArray(raw.rules) ? raw.rules : []) {
    if (!item || typeof item !== 'object') continue;
    const { label, audience, duration, maxRequests } = item as Record<string, unknown>;
    const seconds = positiveInteger(duration);
    const max = positiveInteger(maxRequests);
    const aud = audience === undefined || audience === null ? '' : audience;
    if (typeof label !== 'string' || label === '' || seconds === null || max === null || !isAudience(aud)) continue;
    rules.push({ label, audience: aud, duration: seconds, maxRequests: max });
  }
  const excludedIPs = Array.isArray(raw.excludedIPs) ? raw.excludedIPs.filter((ip): ip is string => typeof ip === 'string') : [];
  return { enabled: raw.enabled === true, rules, excludedIPs };
}

/** The first rule for `labels` (most specific first) whose audience is one of `audiences`. */
export function findRateLimitRule(
  rules: readonly RateLimitRule[],
  labels: readonly string[],
  audiences: readonly RateLimitAudience[],
): RateLimitRule | null {
  const prefixRules: RateLimitRule[] = [];
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    for (const rule of rules) {
      if (rule.label === label && audiences.includes(rule.audience)) return rule;
      if (i === 0 && rule.label.endsWith('/')) prefixRules.push(rule);
    }
    // Prefix rules (collected during the first pass) are tried against every label in turn,
    // after that label's exact matches: `/api/` covers `/api/batch`, `POST /api/` covers
    // `POST /api/batch`, and `/api/batch/` covers `/api/batch` itself.
    for (const rule of prefixRules) {
      if (`${label}/`.startsWith(rule.label) && audiences.includes(rule.audience)) return rule;
    }
  }
  return null;
}
