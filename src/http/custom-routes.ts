// Routes and middlewares added by extension code (`routerAdd`, `routerUse`). Built-in routes
// win over custom ones with the same method and path; custom routes answer what is left. The
// table can change at run time (hooks reloaded in development), so it is rebuilt on change.
import FindMyWay from 'find-my-way';
import type { Logger } from 'pino';
import type { HookApp } from '../core/hooks/index.js';
import { Hook } from '../core/hooks/index.js';
import { readBody } from './body.js';
import type { HttpContext } from './context.js';
import { sendReply } from './reply.js';
import { requestInfo } from './request-info.js';
import type { Handler, HttpMethod } from './router.js';
import { RouteEvent, type Middleware, type RouteHandler } from './route-event.js';

const METHODS: readonly HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

interface CustomRoute {
  id: number;
  method: HttpMethod;
  path: string;
  chain: Hook<RouteEvent>;
  handler: RouteHandler;
}

export interface CustomRoutesDeps {
  appFor(): HookApp;
  bodyLimit: number;
  logger: Logger;
}

let routeIds = 0;

export class CustomRoutes {
  private readonly routes = new Map<number, CustomRoute>();
  /** Run around every request, built-in routes included. */
  readonly globals = new Hook<RouteEvent>();
  private router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1> | null = null;

  constructor(private readonly deps: CustomRoutesDeps) {}

  /** Adds a route; `path` uses `{name}` or `:name` parameters. Returns an id for `remove`. */
  add(method: string, path: string, handler: RouteHandler, middlewares: Middleware[] = []): number {
    const upper = method.toUpperCase() as HttpMethod;
    if (!METHODS.includes(upper)) throw new Error(`routerAdd: unknown method "${method}"`);
    if (!path.startsWith('/')) throw new Error(`routerAdd: the path "${path}" must start with "/"`);
    if (typeof handler !== 'function') throw new Error(`routerAdd ${upper} ${path}: the handler is not a function`);
    const chain = new Hook<RouteEvent>();
    for (const middleware of middlewares) chain.bindFunc(middleware);
    const id = ++routeIds;
    const candidate = new Map(this.routes).set(id, { id, method: upper, path: toFindMyWayPath(path), chain, handler });
    buildRouter(candidate); // throws on a clash or a malformed path, before anything changes
    this.routes.set(id, candidate.get(id)!);
    this.router = null;
    return id;
  }

  remove(id: number): void {
    if (this.routes.delete(id)) this.router = null;
  }

  get size(): number {
    return this.routes.size;
  }

  /** The handler for a request no built-in route took, or null. */
  find(method: string, path: string): { handler: Handler; params: Record<string, string | undefined> } | null {
    if (this.routes.size === 0) return null;
    this.router ??= buildRouter(this.routes);
    const found = this.router.find(method as FindMyWay.HTTPMethod, path);
    if (!found) return null;
    const route = (found.store as { route: CustomRoute }).route;
    return { handler: (ctx) => this.runRoute(ctx, route), params: found.params as Record<string, string | undefined> };
  }

  /** Runs a built-in route's handler inside the global middlewares (none bound: the handler alone). */
  around(ctx: HttpContext, handler: Handler): Promise<void> | void {
    if (this.globals.length === 0) return handler(ctx);
    const event = new RouteEvent(this.deps.appFor(), requestInfo(ctx), ctx);
    return this.finish(ctx, event, () =>
      this.globals.trigger(event, async () => {
        await handler(ctx);
      }),
    );
  }

  private async runRoute(ctx: HttpContext, route: CustomRoute): Promise<void> {
    const body = hasBody(ctx) ? (await readBody(ctx.req, this.deps.bodyLimit)).data : {};
    const event = new RouteEvent(this.deps.appFor(), requestInfo(ctx, body), ctx);
    await this.finish(ctx, event, () =>
      this.globals.trigger(event, () => route.chain.trigger(event, (e) => route.handler(e))),
    );
  }

  /** Runs the chain, then sends the reply it set (unless something wrote to the response already). */
  private async finish(ctx: HttpContext, event: RouteEvent, run: () => Promise<void>): Promise<void> {
    await run();
    if (ctx.res.headersSent || ctx.res.writableEnded) return;
    await sendReply(ctx, event.reply ?? { kind: 'noContent', status: 204 });
  }
}

function hasBody(ctx: HttpContext): boolean {
  const length = ctx.req.headers['content-length'];
  return (length !== undefined && length !== '0') || ctx.req.headers['transfer-encoding'] !== undefined;
}

function buildRouter(routes: Map<number, CustomRoute>): FindMyWay.Instance<FindMyWay.HTTPVersion.V1> {
  const router = FindMyWay<FindMyWay.HTTPVersion.V1>({ ignoreTrailingSlash: true, maxParamLength: 2048 });
  for (const route of routes.values()) {
    router.on(route.method, route.path, () => {}, { route });
    if (route.method === 'GET' && !hasRoute(routes, 'HEAD', route.path)) router.on('HEAD', route.path, () => {}, { route });
  }
  return router;
}

function hasRoute(routes: Map<number, CustomRoute>, method: HttpMethod, path: string): boolean {
  for (const route of routes.values()) if (route.method === method && route.path === path) return true;
  return false;
}

/** `{name}` (PocketBase's style) → `:name`; `{path...}` → a wildcard. */
function toFindMyWayPath(path: string): string {
  return path.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\.\.\.\}$/, '*').replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, ':$1');
}
