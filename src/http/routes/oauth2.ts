// OAuth2 routes: the provider list for the admin UI, auth-with-oauth2, and the redirect
// endpoint of the all-in-one (popup) flow.
import type { ServerResponse } from 'node:http';
import type { Core } from '../../core/index.js';
import type { OAuth2RedirectInput, RedirectOutcome } from '../../core/auth/oauth2/index.js';
import { forbidden, unauthorized } from '../../core/errors/index.js';
import { readBody } from '../body.js';
import type { HttpContext } from '../context.js';
import { sendReply } from '../reply.js';
import { requestInfo } from '../request-info.js';
import { respondJson } from '../respond.js';
import type { Route } from '../router.js';
import { authRequests } from './auth.js';

// PocketBase sends the popup on to its admin UI's `/_/#/auth/oauth2-redirect-success` (or
// `-failure`) page with a 307 (GET) or 303 (POST); Plinth serves no such page, so it answers
// as PocketBase does when built without its UI: 200 and a sentence for the user. The SDK does
// not read this page: it hears of the outcome over realtime and closes its popup itself.
const FAILURE_TEXT = 'Failed to authenticate. You can close this window and go back to the app to try again.';
const SUCCESS_TEXT = 'Auth completed. You can close this window and go back to the app.';

function sendText(res: ServerResponse, contentType: string, text: string): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', `${contentType}; charset=utf-8`);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

function sendOutcome(ctx: HttpContext, outcome: RedirectOutcome): void {
  if (outcome === 'success') sendText(ctx.res, 'text/html', SUCCESS_TEXT);
  else sendText(ctx.res, 'text/plain', FAILURE_TEXT);
}

function field(data: Record<string, unknown>, name: string): string {
  const value = data[name];
  return typeof value === 'string' ? value : '';
}

export function oauth2Routes(core: Core, options: { bodyLimit: number }): Route[] {
  const oauth2 = core.oauth2;
  const requests = authRequests(core);
  return [
    {
      method: 'GET',
      path: '/api/collections/meta/oauth2-providers',
      handler(ctx) {
        if (!ctx.auth.record) throw unauthorized('The request requires valid record authorization token.');
        if (!ctx.auth.isSuperuser) throw forbidden('The authorized record is not allowed to perform this action.');
        respondJson(ctx, 200, oauth2.providerList());
      },
    },
    {
      method: 'POST',
      path: '/api/collections/:collection/auth-with-oauth2',
      async handler(ctx) {
        oauth2.enabledCollection(ctx.params.collection!);
        const { data } = await readBody(ctx.req, options.bodyLimit);
        const call = { request: requestInfo(ctx, data, 'oauth2'), expand: ctx.query.get('expand') };
        await sendReply(ctx, await requests.authWithOAuth2(ctx.params.collection!, data, call));
      },
    },
    {
      method: 'GET',
      path: '/api/oauth2-redirect',
      async handler(ctx) {
        const input: OAuth2RedirectInput = {
          state: ctx.query.get('state') ?? '',
          code: ctx.query.get('code') ?? '',
          error: ctx.query.get('error') ?? '',
          appleUser: '',
        };
        sendOutcome(ctx, await oauth2.redirects.handle(input, { ip: ctx.ip }));
      },
    },
    {
      // Providers answering with `response_mode=form_post` (Apple) post the same fields.
      method: 'POST',
      path: '/api/oauth2-redirect',
      async handler(ctx) {
        let data: Record<string, unknown>;
        try {
          data = (await readBody(ctx.req, options.bodyLimit)).data;
        } catch {
          sendOutcome(ctx, 'failure');
          return;
        }
        const input: OAuth2RedirectInput = {
          state: field(data, 'state'),
          code: field(data, 'code'),
          error: field(data, 'error'),
          appleUser: field(data, 'user'),
        };
        sendOutcome(ctx, await oauth2.redirects.handle(input, { ip: ctx.ip }));
      },
    },
  ];
}
