// The extension API, as hook files and library users see it: bind hooks, add routes,
// middlewares and cron jobs, reach the app. `scopedApi` hands hook files a view that remembers
// what each bound, so a reload in development can take it all back.
import type { Logger } from 'pino';
import { hookRegistrations, type HookApp, type HookBinder, type HookRegistrations } from '../core/hooks/index.js';
import type { CronJobFn } from '../core/cron/index.js';
import type { Middleware, RouteHandler } from '../http/route-event.js';
import type { Extensions } from './extensions.js';
import type { EnqueueOptions, JobContext, JobOptions } from '../core/jobs/index.js';

/** What a job handler defined by extension code is given: the run, and `app` to work with. */
export interface ExtensionJobContext extends JobContext {
  readonly app: HookApp;
}

export interface PlinthJobs {
  /** Makes this app run jobs of `name` (see docs/jobs.md for the options and guarantees). */
  define<P = unknown>(name: string, handler: (payload: P, ctx: ExtensionJobContext) => Promise<unknown> | unknown, options?: JobOptions): void;
  /** Enqueues outside any transaction; inside a hook use `e.app.jobs.enqueue` to commit with the write. */
  enqueue(name: string, payload?: unknown, options?: EnqueueOptions): Promise<{ id: string; created: boolean }>;
}

export interface PlinthApi extends HookRegistrations {
  /** Adds a route: `routerAdd('GET', '/api/hello/{name}', (e) => e.json(200, …), …middlewares)`. */
  routerAdd(method: string, path: string, handler: RouteHandler, ...middlewares: Middleware[]): void;
  /** Adds middlewares run around every request (built-in routes included). */
  routerUse(...middlewares: Middleware[]): void;
  /** Schedules `fn` (UTC; 5 fields or `@hourly`, `@daily`, …); replaces a job with the same id. */
  cronAdd(id: string, expression: string, fn: CronJobFn): void;
  cronRemove(id: string): void;
  /** The durable job queue. */
  readonly jobs: PlinthJobs;
  /** Records, transactions, settings, mail — once the app is open (always inside handlers). */
  readonly app: HookApp;
  readonly logger: Logger;
}

/** The API over `extensions`; `undo` collects how to take back each registration. */
export function scopedApi(extensions: Extensions, options: { app(): HookApp; logger: Logger; undo?: (() => void)[] }): PlinthApi {
  const undo = options.undo;
  const registrations = hookRegistrations(extensions.hooks);
  const tracked = {} as Record<string, unknown>;
  for (const [name, open] of Object.entries(registrations) as [string, (...tags: string[]) => HookBinder<never>][]) {
    tracked[name] = (...tags: string[]) => (undo ? trackBinder(open(...tags), undo) : open(...tags));
  }
  return {
    ...(tracked as unknown as HookRegistrations),
    routerAdd(method, path, handler, ...middlewares) {
      const id = extensions.routes.add(method, path, handler, middlewares);
      undo?.push(() => extensions.routes.remove(id));
    },
    routerUse(...middlewares) {
      for (const middleware of middlewares) {
        const id = extensions.routes.globals.bindFunc(middleware);
        undo?.push(() => extensions.routes.globals.unbind(id));
      }
    },
    cronAdd(id, expression, fn) {
      extensions.cron.add(id, expression, fn);
      undo?.push(() => extensions.cron.remove(id));
    },
    cronRemove(id) {
      extensions.cron.remove(id);
    },
    jobs: {
      define(name, handler, jobOptions) {
        const remove = extensions.jobs.define(name, (payload, ctx) => handler(payload as never, { ...ctx, app: options.app() }), jobOptions);
        undo?.push(remove);
      },
      enqueue: (name, payload, enqueueOptions) => options.app().jobs.enqueue(name, payload, enqueueOptions),
    },
    get app() {
      return options.app();
    },
    logger: options.logger,
  };
}

function trackBinder<E>(binder: HookBinder<E>, undo: (() => void)[]): HookBinder<E> {
  return {
    bind(handler) {
      const id = binder.bind(handler);
      undo.push(() => binder.unbind(id));
      return id;
    },
    bindFunc(func) {
      return this.bind({ func });
    },
    unbind: (...ids) => binder.unbind(...ids),
  };
}
