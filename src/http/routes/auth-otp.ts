// One-time code endpoints of auth collections: request-otp and auth-with-otp.
import type { Core } from '../../core/index.js';
import { readBody } from '../body.js';
import { sendReply } from '../reply.js';
import { requestInfo } from '../request-info.js';
import type { Route } from '../router.js';
import { authRequests } from './auth.js';

export function otpRoutes(core: Core, options: { bodyLimit: number }): Route[] {
  const otp = core.otp;
  const requests = authRequests(core);
  const base = '/api/collections/:collection';
  return [
    {
      method: 'POST',
      path: `${base}/request-otp`,
      async handler(ctx) {
        // The collection answers first (404/403), before the body is read.
        otp.collection(ctx.params.collection!);
        const { data } = await readBody(ctx.req, options.bodyLimit);
        await sendReply(ctx, await requests.requestOtp(ctx.params.collection!, data, requestInfo(ctx, data, 'otp')));
      },
    },
    {
      method: 'POST',
      path: `${base}/auth-with-otp`,
      async handler(ctx) {
        otp.collection(ctx.params.collection!);
        const { data } = await readBody(ctx.req, options.bodyLimit);
        const call = { request: requestInfo(ctx, data, 'otp'), expand: ctx.query.get('expand') };
        await sendReply(ctx, await requests.authWithOtp(ctx.params.collection!, data, call));
      },
    },
  ];
}
