// /api/realtime: PocketBase's server-sent events stream. GET opens a stream (first event
// PB_CONNECT with the client id), POST replaces that client's subscriptions.
import type { Core } from '../../core/index.js';
import {
  HookRealtimeClient,
  RealtimeConnectRequestEvent,
  RealtimeSubscribeRequestEvent,
  type Reply,
} from '../../core/hooks/index.js';
import {
  parseSetSubscriptionsBody,
  type RealtimeAuth,
  type RealtimeClient,
  type RealtimeMessage,
  type RealtimeSink,
} from '../../core/realtime/index.js';
import type { RequestInfo } from '../../core/rules/request-info.js';
import { readBody, rejectFileParts } from '../body.js';
import type { HttpContext } from '../context.js';
import { sendReply } from '../reply.js';
import { requestInfo } from '../request-info.js';
import { encodeJson, sendNoContent } from '../respond.js';
import type { Route } from '../router.js';

/** PocketBase's defaults: an idle stream (nothing sent) ends after 5 minutes, any stream after 30. */
export interface StreamLimits {
  idleMs: number;
  maxMs: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { idleMs: 5 * 60_000, maxMs: 30 * 60_000 };

export function realtimeRoutes(core: Core, options: { bodyLimit: number; limits?: StreamLimits }): Route[] {
  const limits = options.limits ?? DEFAULT_STREAM_LIMITS;
  return [
    {
      method: 'GET',
      path: '/api/realtime',
      async handler(ctx) {
        await openStream(core, ctx, limits);
      },
    },
    {
      method: 'POST',
      path: '/api/realtime',
      async handler(ctx) {
        const body = rejectFileParts(await readBody(ctx.req, options.bodyLimit));
        const { clientId, subscriptions } = parseSetSubscriptionsBody(body);
        const auth = { record: ctx.auth.record, isSuperuser: ctx.auth.isSuperuser };
        const reply = await subscribeRequest(core, { target: { id: clientId, ip: ctx.ip }, auth, subscriptions }, () => requestInfo(ctx, body));
        if (reply) await sendReply(ctx, reply);
        else sendNoContent(ctx.res);
      },
    },
  ];
}

/**
 * Replaces a client's subscriptions through the `onRealtimeSubscribeRequest` hooks. Answers
 * the reply a handler gave instead of letting the change happen, or null (done, or dropped).
 */
export async function subscribeRequest(
  core: Core,
  change: { target: { id: string; ip: string }; auth: RealtimeAuth; subscriptions: string[] },
  info: () => RequestInfo,
): Promise<Reply | null> {
  const hook = core.hooks.realtimeSubscribeRequest;
  if (!hook || hook.length === 0) {
    core.realtime.setSubscriptions(change.target, change.auth, change.subscriptions);
    return null;
  }
  const client = core.realtime.subscriber(change.target, change.auth);
  const event = new RealtimeSubscribeRequestEvent(core.appFor(), info(), {
    client: new HookRealtimeClient(client),
    subscriptions: [...change.subscriptions],
  });
  await hook.trigger(event, (e) => core.realtime.applySubscriptions(client, change.auth, e.subscriptions.map(String)));
  return event.reply;
}

/**
 * Runs the `onRealtimeConnectRequest` hooks for a client about to connect: throws what a
 * handler threw (the connection is refused), or answers the idle limit to apply when `next()`
 * was called, or the handler's own reply when it answered instead.
 */
export async function connectRequest(
  core: Core,
  input: { client: RealtimeClient; idleMs: number },
  info: () => RequestInfo,
): Promise<{ idleMs: number } | { reply: Reply | null }> {
  const hook = core.hooks.realtimeConnectRequest;
  if (!hook || hook.length === 0) return { idleMs: input.idleMs };
  const event = new RealtimeConnectRequestEvent(core.appFor(), info(), { client: new HookRealtimeClient(input.client), idleTimeout: input.idleMs });
  let kept = false;
  await hook.trigger(event, () => {
    kept = true;
  });
  if (!kept) return { reply: event.reply };
  const idleMs = Number(event.idleTimeout);
  return { idleMs: Number.isFinite(idleMs) && idleMs > 0 ? idleMs : input.idleMs };
}

async function openStream(core: Core, ctx: HttpContext, limits: StreamLimits): Promise<void> {
  const { res, req } = ctx;
  if (ctx.method === 'HEAD') {
    // Headers only: a HEAD must not register a client that nothing will ever read.
    setStreamHeaders(ctx);
    res.end();
    return;
  }
  const timers: { idle?: NodeJS.Timeout; max?: NodeJS.Timeout } = {};
  let idleMs = limits.idleMs;
  const end = () => core.realtime.disconnect(client.id);
  const resetIdle = () => {
    clearTimeout(timers.idle);
    timers.idle = setTimeout(end, idleMs);
    timers.idle.unref();
  };
  const sink: RealtimeSink = {
    send(message) {
      resetIdle();
      return res.write(formatEvent(message, client.id));
    },
    close() {
      clearTimeout(timers.idle);
      clearTimeout(timers.max);
      if (!res.writableEnded) res.end();
    },
  };
  const client = core.realtime.newClient(sink, { record: ctx.auth.record, isSuperuser: ctx.auth.isSuperuser }, ctx.ip);
  // Before any header leaves: a handler that throws refuses the connection with its error.
  const outcome = await connectRequest(core, { client, idleMs }, () => requestInfo(ctx));
  if ('reply' in outcome) {
    if (outcome.reply) await sendReply(ctx, outcome.reply);
    else if (!res.writableEnded) sendNoContent(res);
    return;
  }
  // The peer may have gone while the handlers ran: then there is nobody to connect.
  if (res.destroyed || req.destroyed) return;
  idleMs = outcome.idleMs;
  setStreamHeaders(ctx);
  res.flushHeaders();
  req.socket.setKeepAlive(true);
  req.socket.setNoDelay(true);
  timers.max = setTimeout(end, limits.maxMs);
  timers.max.unref();
  core.realtime.add(client);
  res.on('drain', () => core.realtime.drained(client.id));
  res.on('close', end);
  resetIdle();
  await core.realtime.send(client, { name: 'PB_CONNECT', data: { clientId: client.id } });
}

function setStreamHeaders(ctx: HttpContext): void {
  const { res } = ctx;
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/event-stream');
  res.setHeader('Cache-Control', 'no-store');
  // Tells nginx-like proxies not to buffer the stream.
  res.setHeader('X-Accel-Buffering', 'no');
  // A stream's connection is never reused: once it ends (idle, lifetime, shutdown) the socket
  // goes too, instead of lingering as an idle keep-alive that holds the server open.
  res.setHeader('Connection', 'close');
}

// The fan-out hands one message object to every client of a group: encode its data once.
const encoded = new WeakMap<RealtimeMessage, string>();

/** One SSE event; every event carries the client id in its `id:` line, as PocketBase's do. */
function formatEvent(message: RealtimeMessage, clientId: string): string {
  let data = encoded.get(message);
  if (data === undefined) {
    data = encodeJson(message.data);
    encoded.set(message, data);
  }
  return `id:${message.id ?? clientId}\nevent:${message.name}\ndata:${data}\n\n`;
}
