// /api/jobs — the durable job queue (superusers only, a Plinth extension): list jobs by state
// and name, view one with its attempts, retry a dead one, cancel a pending one.
import { attemptJSON, jobJSON, jobPageQuery, type JobQueue } from '../../core/jobs/index.js';
import { notFound } from '../../core/errors/index.js';
import type { HttpContext } from '../context.js';
import { respondJson } from '../respond.js';
import type { Route } from '../router.js';
import { requireSuperuser } from '../require-superuser.js';

export function jobRoutes(jobs: JobQueue): Route[] {
  const guarded = (handler: (ctx: HttpContext) => Promise<void>) => async (ctx: HttpContext) => {
    requireSuperuser(ctx);
    await handler(ctx);
  };
  const view = async (ctx: HttpContext, id: string) => {
    const found = await jobs.view(id);
    if (!found) throw notFound();
    respondJson(ctx, 200, { ...jobJSON(found.job), attemptsLog: found.attempts.map(attemptJSON) });
  };
  return [
    {
      method: 'GET',
      path: '/api/jobs',
      handler: guarded(async (ctx) => {
        const query = jobPageQuery(ctx.query);
        const { items, totalItems } = await jobs.list(query);
        respondJson(ctx, 200, {
          page: query.page,
          perPage: query.perPage,
          totalItems,
          totalPages: Math.ceil(totalItems / query.perPage),
          items: items.map(jobJSON),
        });
      }),
    },
    {
      method: 'GET',
      path: '/api/jobs/:id',
      handler: guarded((ctx) => view(ctx, ctx.params['id'] ?? '')),
    },
    {
      method: 'POST',
      path: '/api/jobs/:id/retry',
      handler: guarded(async (ctx) => {
        await jobs.retry(ctx.params['id'] ?? '');
        await view(ctx, ctx.params['id'] ?? '');
      }),
    },
    {
      method: 'POST',
      path: '/api/jobs/:id/cancel',
      handler: guarded(async (ctx) => {
        await jobs.cancel(ctx.params['id'] ?? '');
        await view(ctx, ctx.params['id'] ?? '');
      }),
    },
  ];
}
