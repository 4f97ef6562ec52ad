// The client IP of a request. Proxy headers are trusted only when the `trustedProxy`
// settings name them: anyone can send `X-Forwarded-For`, so reading it by default would let
// any client pick its own address (and its own rate-limit bucket, and pass an allowlist).
import type { IncomingMessage } from 'node:http';
import { canonicalIp } from '../lib/ip-address.js';

export interface TrustedProxy {
  /** Header names to read, in order, e.g. `X-Forwarded-For`, `X-Real-IP`, `CF-Connecting-IP`. */
  readonly headers: readonly string[];
  /**
   * Take the left-most valid address of a list instead of the right-most. The right-most is
   * the one the nearest proxy wrote; the left-most can be forged by the client with some proxies.
   */
  readonly useLeftmostIP: boolean;
}

export const NO_PROXY: TrustedProxy = Object.freeze({ headers: [], useLeftmostIP: false });

/** Reads `trustedProxy` from a settings document that may be partial or damaged. */
export function readTrustedProxy(section: unknown): TrustedProxy {
  if (!section || typeof section !== 'object') return NO_PROXY;
  const { headers, useLeftmostIP } = section as { headers?: unknown; useLeftmostIP?: unknown };
  const names = Array.isArray(headers) ? headers.filter((h): h is string => typeof h === 'string' && h.trim() !== '') : [];
  if (names.length === 0) return NO_PROXY;
  return { headers: names.map((h) => h.trim().toLowerCase()), useLeftmostIP: useLeftmostIP === true };
}

// A keep-alive connection carries many requests: its address is parsed once.
const socketIps = new WeakMap<object, string>();

/** The socket's address in canonical form ('' when the socket is already gone). */
export function remoteIp(req: IncomingMessage): string {
  const socket = req.socket;
  let ip = socketIps.get(socket);
  if (ip === undefined) {
    const address = socket.remoteAddress ?? '';
    ip = canonicalIp(address) ?? address;
    if (address !== '') socketIps.set(socket, ip);
  }
  return ip;
}

/**
 * The first configured header that yields a valid address wins; without one, the socket
 * address. When a header is sent several times, the last line counts: a proxy appends its
 * own line after whatever the client sent.
 */
export function clientIp(req: IncomingMessage, proxy: TrustedProxy): string {
  for (const name of proxy.headers) {
    const lines = req.headersDistinct[name];
    const last = lines?.[lines.length - 1];
    if (!last) continue;
    const found = pickAddress(last.split(','), proxy.useLeftmostIP);
    if (found) return found;
  }
  return remoteIp(req);
}

function pickAddress(items: string[], leftmost: boolean): string | null {
  for (let i = 0; i < items.length; i++) {
    const ip = canonicalIp(items[leftmost ? i : items.length - 1 - i]!);
    if (ip) return ip;
  }
  return null;
}

/** Re-reads the settings section only when the settings object changed (settings are replaced, not mutated). */
export function trustedProxyReader(section: () => unknown): () => TrustedProxy {
  let lastSection: unknown = Symbol('none');
  let last = NO_PROXY;
  return () => {
    const current = section();
    if (current !== lastSection) {
      lastSection = current;
      last = readTrustedProxy(current);
    }
    return last;
  };
}
