// One outbound HTTP exchange to a URL chosen by a user, e.g. a webhook delivery. Every
// connection, including each redirect target, goes through the address policy, and the
// whole exchange is bounded in time and in how much of the response is read, so a slow
// or hostile receiver costs little.
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { OutboundPolicy } from './address-policy.js';
import { networkError, OutboundRefusedError, OutboundTimeoutError } from './errors.js';
import { guardedLookup, refusalForAddresses } from './guarded-lookup.js';
import { nextHop, parseTarget } from './redirects.js';
import type { Hop } from './redirects.js';

export interface OutboundRequest {
  url: string;
  method: 'POST' | 'GET' | 'PUT';
  headers: Record<string, string>;
  body?: string;
  /** Whole exchange including connecting, redirects and reading the response. */
  timeoutMs: number;
  /** Default 3. */
  maxRedirects?: number;
  /** Default 64 KiB: read at most this much of the response body, then stop reading. */
  maxResponseBytes?: number;
  signal?: AbortSignal;
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string>;
  /** First bytes of the body as UTF-8 text (at most 1 KiB kept). */
  bodyExcerpt: string;
  /** From the start of the request to the end of the final response, redirects included. */
  latencyMs: number;
  finalUrl: string;
}

const DEFAULT_MAX_REDIRECTS = 3;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
const EXCERPT_BYTES = 1024;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

interface HopContext {
  readonly policy: OutboundPolicy;
  readonly signal: AbortSignal;
  readonly maxResponseBytes: number;
}

interface HopResponse {
  status: number;
  headers: Record<string, string>;
  bodyExcerpt: string;
}

/** Sends the request, following redirects; rejects with OutboundRefusedError, OutboundTimeoutError or a network Error. */
export async function outboundRequest(req: OutboundRequest, policy: OutboundPolicy): Promise<OutboundResponse> {
  const started = performance.now();
  let hop: Hop = { url: parseTarget(req.url), method: req.method, headers: { ...req.headers }, body: req.body };
  // One controller for both ways an exchange ends early, so each hop listens to one signal.
  const stop = new AbortController();
  const timer = setTimeout(
    () => stop.abort(new OutboundTimeoutError(`no complete response within ${req.timeoutMs} ms from ${hop.url.origin}`)),
    req.timeoutMs,
  );
  const onCallerAbort = () => stop.abort(req.signal?.reason ?? new Error('outbound request aborted'));
  if (req.signal?.aborted) onCallerAbort();
  else req.signal?.addEventListener('abort', onCallerAbort, { once: true });
  const context: HopContext = { policy, signal: stop.signal, maxResponseBytes: req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES };
  const maxRedirects = req.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  try {
    for (let redirects = 0; ; redirects++) {
      const response = await exchange(hop, context);
      const location = REDIRECT_STATUSES.has(response.status) ? response.headers.location : undefined;
      if (location === undefined) {
        return { ...response, latencyMs: Math.round(performance.now() - started), finalUrl: hop.url.href };
      }
      if (redirects >= maxRedirects) throw new Error(`too many redirects: more than ${maxRedirects} starting at ${req.url}`);
      hop = nextHop(hop, response.status, location);
    }
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onCallerAbort);
  }
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function withContentLength(headers: Record<string, string>, body: string | undefined): Record<string, string> {
  if (body === undefined || Object.keys(headers).some((name) => name.toLowerCase() === 'content-length')) return headers;
  // A known length instead of chunked encoding: some receivers reject chunked requests.
  return { ...headers, 'content-length': String(Buffer.byteLength(body)) };
}

/** One request/response without following redirects; a redirect's body is not read. */
function exchange(hop: Hop, context: HopContext): Promise<HopResponse> {
  return new Promise((resolve, reject) => {
    const { signal, policy } = context;
    if (signal.aborted) return reject(signal.reason);
    // Node connects to IP literals without calling `lookup`, so they are checked here.
    const host = hop.url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host)) {
      const refusal = refusalForAddresses(host, [host], policy);
      if (refusal) return reject(refusal);
    }
    let settled = false;
    const settle = (done: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      done();
    };
    const fail = (error: unknown) =>
      settle(() => {
        request.destroy();
        reject(error);
      });
    const onAbort = () => fail(signal.reason);
    const send = hop.url.protocol === 'https:' ? httpsRequest : httpRequest;
    // A fresh connection per exchange (no pooled agent): every socket goes through the
    // guarded lookup, and nothing stays open for a receiver to hold on to.
    const request = send(hop.url, {
      method: hop.method,
      headers: withContentLength(hop.headers, hop.body),
      agent: false,
      lookup: guardedLookup(policy),
    });
    signal.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error) => fail(error instanceof OutboundRefusedError ? error : networkError(hop.url.host, error)));
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      const headers = flattenHeaders(response.headers);
      response.on('error', (error) => fail(networkError(hop.url.host, error)));
      if (REDIRECT_STATUSES.has(status) && headers.location !== undefined) {
        response.destroy();
        return settle(() => resolve({ status, headers, bodyExcerpt: '' }));
      }
      const keepBytes = Math.min(EXCERPT_BYTES, context.maxResponseBytes);
      const kept: Buffer[] = [];
      let keptBytes = 0;
      let readBytes = 0;
      const done = () =>
        settle(() => {
          // `stream: true` holds back a character cut in half at the end instead of mangling it.
          const bodyExcerpt = new TextDecoder().decode(Buffer.concat(kept), { stream: true });
          resolve({ status, headers, bodyExcerpt });
        });
      response.on('data', (chunk: Buffer) => {
        const room = keepBytes - keptBytes;
        if (room > 0) {
          const part = chunk.subarray(0, room);
          kept.push(part);
          keptBytes += part.length;
        }
        readBytes += chunk.length;
        if (readBytes >= context.maxResponseBytes) {
          done();
          response.destroy();
        }
      });
      response.on('end', done);
    });
    request.end(hop.body);
  });
}
