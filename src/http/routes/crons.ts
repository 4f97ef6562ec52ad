// /api/crons — the registered cron jobs (superusers only): list them, or run one now.
import type { CronScheduler } from '../../core/cron/index.js';
import { respondJson, sendNoContent } from '../respond.js';
import type { Route } from '../router.js';
import { requireSuperuser } from '../require-superuser.js';

// The same check and messages as the settings and collections routes.
export function cronRoutes(scheduler: CronScheduler): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/crons',
      handler: (ctx) => {
        requireSuperuser(ctx);
        respondJson(ctx, 200, scheduler.list());
      },
    },
    {
      method: 'POST',
      path: '/api/crons/:id',
      // Answers once the job has finished; a failing job is an internal error (logged, 500).
      handler: async (ctx) => {
        requireSuperuser(ctx);
        await scheduler.run(ctx.params['id'] ?? '');
        sendNoContent(ctx.res);
      },
    },
  ];
}
