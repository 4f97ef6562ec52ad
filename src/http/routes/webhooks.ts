// /api/webhooks — outbound webhook endpoints (superusers only, a Plinth extension): manage
// them, rotate their signing secret, read their delivery log and send a delivery again.
import { pageQuery } from '../../core/jobs/index.js';
import type { WebhookService } from '../../core/webhooks/index.js';
import { readBody } from '../body.js';
import type { HttpContext } from '../context.js';
import { respondJson, sendNoContent } from '../respond.js';
import type { Route } from '../router.js';
import { requireSuperuser } from '../require-superuser.js';

export function webhookRoutes(webhooks: WebhookService, options: { bodyLimit: number }): Route[] {
  const guarded = (handler: (ctx: HttpContext, id: string) => Promise<void>) => async (ctx: HttpContext) => {
    requireSuperuser(ctx);
    await handler(ctx, ctx.params['id'] ?? '');
  };
  const body = async (ctx: HttpContext) => (await readBody(ctx.req, options.bodyLimit)).data;
  return [
    { method: 'GET', path: '/api/webhooks', handler: guarded(async (ctx) => respondJson(ctx, 200, webhooks.list())) },
    { method: 'POST', path: '/api/webhooks', handler: guarded(async (ctx) => respondJson(ctx, 200, await webhooks.create(await body(ctx)))) },
    { method: 'GET', path: '/api/webhooks/:id', handler: guarded(async (ctx, id) => respondJson(ctx, 200, await webhooks.view(id))) },
    { method: 'PATCH', path: '/api/webhooks/:id', handler: guarded(async (ctx, id) => respondJson(ctx, 200, await webhooks.update(id, await body(ctx)))) },
    {
      method: 'DELETE',
      path: '/api/webhooks/:id',
      handler: guarded(async (ctx, id) => {
        await webhooks.remove(id);
        sendNoContent(ctx.res);
      }),
    },
    {
      method: 'POST',
      path: '/api/webhooks/:id/rotate-secret',
      handler: guarded(async (ctx, id) => respondJson(ctx, 200, await webhooks.rotateSecret(id, await body(ctx)))),
    },
    {
      method: 'GET',
      path: '/api/webhooks/:id/deliveries',
      handler: guarded(async (ctx, id) => {
        const state = ctx.query.get('state') || undefined;
        respondJson(ctx, 200, await webhooks.deliveries(id, { ...pageQuery(ctx.query), ...(state ? { state } : {}) }));
      }),
    },
    {
      method: 'POST',
      path: '/api/webhooks/:id/deliveries/:deliveryId/redeliver',
      handler: guarded(async (ctx, id) => respondJson(ctx, 200, await webhooks.redeliver(id, ctx.params['deliveryId'] ?? ''))),
    },
  ];
}
