// What extension code adds to an app — hooks, custom routes and middlewares, cron jobs, job
// definitions — kept
// apart from the database so that library mode can register them before anything opens.
// `attach` connects them to the opened app: `e.app` for route events, and the lease that picks
// the node running each cron tick.
import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.js';
import { Hooks, type HookApp } from '../core/hooks/index.js';
import { CronScheduler, soloCronLease, type CronLease } from '../core/cron/index.js';
import { CustomRoutes } from '../http/custom-routes.js';
import { JobDefinitions } from '../core/jobs/index.js';

export interface Extensions {
  readonly hooks: Hooks;
  readonly routes: CustomRoutes;
  readonly cron: CronScheduler;
  readonly jobs: JobDefinitions;
  attach(app: { appFor(): HookApp; lease: CronLease }): void;
}

export function createExtensions(deps: { logger: Logger; clock: Clock; bodyLimit: number }): Extensions {
  let appFor: (() => HookApp) | null = null;
  let lease: CronLease = soloCronLease;
  return {
    hooks: new Hooks(),
    routes: new CustomRoutes({
      appFor: () => {
        if (!appFor) throw new Error('the app is not open yet');
        return appFor();
      },
      bodyLimit: deps.bodyLimit,
      logger: deps.logger,
    }),
    cron: new CronScheduler({ clock: deps.clock, logger: deps.logger, lease: { claim: (id, minute) => lease.claim(id, minute) } }),
    jobs: new JobDefinitions(),
    attach(app) {
      appFor = app.appFor;
      lease = app.lease;
    },
  };
}
