import type { Route } from '../router.js';
import { respondJson } from '../respond.js';

export const healthRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/health',
    handler(ctx) {
      const data: Record<string, unknown> = {};
      if (ctx.auth.isSuperuser) {
        data.canBackup = true;
        data.realIP = ctx.ip;
        data.possibleProxyHeader = ['cf-connecting-ip', 'fly-client-ip', 'x-forwarded-for'].find((h) => ctx.headers[h]) ?? '';
      }
      respondJson(ctx, 200, { message: 'API is healthy.', code: 200, data });
    },
  },
];
