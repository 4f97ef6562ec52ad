// Auth endpoints of auth collections: password login, refresh, auth-methods.
import type { Core } from '../../core/index.js';
import { readBody } from '../body.js';
import { requestInfo } from '../request-info.js';
import { respondJson } from '../respond.js';
import type { Route } from '../router.js';

export function authRoutes(core: Core, options: { bodyLimit: number }): Route[] {
  const auth = core.auth;
  const base = '/api/collections/:collection';
  return [
    {
      method: 'GET',
      path: `${base}/auth-methods`,
      async handler(ctx) {
        respondJson(ctx, 200, await auth.methods(ctx.params.collection!));
      },
    },
    {
      method: 'POST',
      path: `${base}/auth-with-password`,
      async handler(ctx) {
        auth.authCollection(ctx.params.collection!);
        const { data } = await readBody(ctx.req, options.bodyLimit);
        const result = await auth.authWithPassword(ctx.params.collection!, data, requestInfo(ctx, data), ctx.query.get('expand'));
        respondJson(ctx, 200, result);
      },
    },
    {
      method: 'POST',
      path: `${base}/auth-refresh`,
      async handler(ctx) {
        const result = await auth.refresh(ctx.params.collection!, requestInfo(ctx), ctx.headers.authorization ?? '', ctx.query.get('expand'));
        respondJson(ctx, 200, result);
      },
    },
  ];
}
