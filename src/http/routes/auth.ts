// Auth endpoints of auth collections: password login, refresh, auth-methods.
import type { Core } from '../../core/index.js';
import { AuthRequests } from '../../core/hooks/index.js';
import { readBody } from '../body.js';
import { sendReply } from '../reply.js';
import { requestInfo } from '../request-info.js';
import { respondJson } from '../respond.js';
import type { Route } from '../router.js';

export function authRoutes(core: Core, options: { bodyLimit: number }): Route[] {
  const auth = core.auth;
  const requests = authRequests(core);
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
        const call = { request: requestInfo(ctx, data), expand: ctx.query.get('expand') };
        await sendReply(ctx, await requests.authWithPassword(ctx.params.collection!, data, call));
      },
    },
    {
      method: 'POST',
      path: `${base}/auth-refresh`,
      async handler(ctx) {
        const call = { request: requestInfo(ctx), expand: ctx.query.get('expand') };
        await sendReply(ctx, await requests.refresh(ctx.params.collection!, ctx.headers.authorization ?? '', call));
      },
    },
  ];
}

/** The auth requests through their hooks (stateless: each route file may make its own). */
export function authRequests(core: Core): AuthRequests {
  return new AuthRequests({ auth: core.auth, otp: core.otp, oauth2: core.oauth2, hooks: core.hooks, appFor: () => core.appFor() });
}
