// The HTTP server: node:http with find-my-way routing, CORS, auth loading and one error edge.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import FindMyWay from 'find-my-way';
import type { Logger } from 'pino';
import { notFound } from '../core/errors/index.js';
import type { AuthState, HttpContext } from './context.js';
import { GUEST } from './context.js';
import { toErrorBody } from './error-status.js';
import { sendJson } from './respond.js';
import type { Handler, Route } from './router.js';
import { servableWithoutUpgrade, upgradeResponse } from './upgrade.js';

export interface HttpServerOptions {
  routes: Route[];
  /** Turns an Authorization header value into an identity; invalid tokens mean guest. */
  authenticate(header: string, ip: string): Promise<AuthState>;
  /** The client IP (trusted proxy headers applied); default: the socket address. */
  clientIp?(req: IncomingMessage): string;
  /**
   * Checks that run after routing and authentication, before the handler (rate limits, the
   * superuser login allowlist), in order; each is asked once per route and may decline with null.
   */
  guards?: ((route: Route) => Handler | null)[];
  /**
   * Routes reached by HTTP upgrade requests (WebSocket), through the same edge as `routes`;
   * a WebSocket upgrade to any other path is answered 404 and its socket closed.
   */
  upgrades?: Route[];
  /**
   * Routes and middlewares added by extension code: its routes answer what no built-in route
   * takes; its global middlewares run around every built-in route too.
   */
  custom?: {
    find(method: string, path: string): { handler: Handler; params: Record<string, string | undefined> } | null;
    around(ctx: HttpContext, handler: Handler): Promise<void> | void;
  };
  logger: Logger;
}

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, PUT, PATCH, POST, DELETE',
  'Access-Control-Allow-Headers': '*',
};

export function createHttpServer(options: HttpServerOptions): Server {
  const router = FindMyWay<FindMyWay.HTTPVersion.V1>({ ignoreTrailingSlash: true, maxParamLength: 2048 });
  const custom = options.custom;
  for (const route of options.routes) {
    const inner = guarded(route, options.guards ?? []);
    const handler: Handler = custom ? (ctx) => custom.around(ctx, inner) : inner;
    router.on(route.method, route.path, (req, res, params) => {
      void run({ req, res, params: params as Record<string, string | undefined> }, handler, options);
    });
  }
  const unmatched: Handler = () => {
    throw notFound();
  };
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
    if (req.method === 'OPTIONS') {
      res.statusCode = 204;
      res.end();
      return;
    }
    const found = router.find(req.method as FindMyWay.HTTPMethod, pathOf(req.url ?? '/'));
    if (found) {
      found.handler(req, res, found.params, undefined, found.searchParams);
      return;
    }
    const extra = custom?.find(req.method ?? 'GET', pathOf(req.url ?? '/'));
    void run({ req, res, params: extra?.params ?? {} }, extra?.handler ?? unmatched, options);
  };
  const server = createServer({ keepAliveTimeout: 65_000 }, serve);
  const upgrades = new Map((options.upgrades ?? []).map((route) => [`${route.method} ${route.path}`, guarded(route, options.guards ?? [])]));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const res = upgradeResponse(req, socket, head);
    const handler = upgrades.get(`${req.method ?? ''} ${pathOf(req.url ?? '/').replace(/(.)\/$/, '$1')}`);
    if (handler) void run({ req, res, params: {} }, handler, options);
    else if (servableWithoutUpgrade(req)) serve(req, res);
    else void run({ req, res, params: {} }, unmatched, options);
  });
  return server;
}

function guarded(route: Route, guards: ((route: Route) => Handler | null)[]): Handler {
  const checks = guards.map((guardFor) => guardFor(route)).filter((check): check is Handler => check !== null);
  if (checks.length === 0) return route.handler;
  // Most checks answer synchronously (e.g. rate limits switched off): then no promise is made
  // here, and the request costs what an unguarded one does.
  const from = (ctx: HttpContext, start: number): ReturnType<Handler> => {
    for (let i = start; i < checks.length; i++) {
      const pending = checks[i]!(ctx);
      if (pending) return pending.then(() => from(ctx, i + 1));
    }
    return route.handler(ctx);
  };
  return (ctx) => from(ctx, 0);
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

async function run(
  target: { req: IncomingMessage; res: ServerResponse; params: Record<string, string | undefined> },
  handler: Handler,
  options: HttpServerOptions,
): Promise<void> {
  const { req, res, params } = target;
  const ctx = makeContext(req, res, params);
  try {
    if (options.clientIp) ctx.ip = options.clientIp(req);
    const authHeader = req.headers.authorization;
    if (authHeader) ctx.auth = await options.authenticate(authHeader, ctx.ip);
    await handler(ctx);
  } catch (err) {
    const { body, internal } = toErrorBody(err);
    if (internal) options.logger.error({ err, method: ctx.method, path: ctx.path }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendJson(res, body.status, body);
  }
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

function makeContext(req: IncomingMessage, res: ServerResponse, params: Record<string, string | undefined>): HttpContext {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return {
    req,
    res,
    method: req.method ?? 'GET',
    path: q === -1 ? url : url.slice(0, q),
    params,
    query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
    auth: GUEST,
    headers: flatHeaders(req),
    ip: req.socket.remoteAddress ?? '',
  };
}
