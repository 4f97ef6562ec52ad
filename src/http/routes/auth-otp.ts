// One-time code endpoints of auth collections: request-otp and auth-with-otp.
import type { Core } from '../../core/index.js';
import { readBody } from '../body.js';
import { requestInfo } from '../request-info.js';
import { respondJson } from '../respond.js';
import type { Route } from '../router.js';

export function otpRoutes(core: Core, options: { bodyLimit: number }): Route[] {
  const otp = core.otp;
  const base = '/api/collections/:collection';
  return [
    {
      method: 'POST',
      path: `${base}/request-otp`,
      async handler(ctx) {
        // The collection answers first (404/403), before the body is read.
        otp.collection(ctx.params.collection!);
        const { data } = await readBody(ctx.req, options.bodyLimit);
        respondJson(ctx, 200, await otp.request(ctx.params.collection!, data));
      },
    },
    {
      method: 'POST',
      path: `${base}/auth-with-otp`,
      async handler(ctx) {
        otp.collection(ctx.params.collection!);
        const { data } = await readBody(ctx.req, options.bodyLimit);
        const result = await otp.authenticate(ctx.params.collection!, data, requestInfo(ctx, data, 'otp'), ctx.query.get('expand'));
        respondJson(ctx, 200, result);
      },
    },
  ];
}
