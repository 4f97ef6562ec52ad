// /api/realtime: PocketBase's server-sent events stream. GET opens a stream (first event
// PB_CONNECT with the client id), POST replaces that client's subscriptions.
import type { Core } from '../../core/index.js';
import { parseSetSubscriptionsBody, type RealtimeMessage, type RealtimeSink } from '../../core/realtime/index.js';
import { readBody, rejectFileParts } from '../body.js';
import type { HttpContext } from '../context.js';
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
      handler(ctx) {
        openStream(core, ctx, limits);
      },
    },
    {
      method: 'POST',
      path: '/api/realtime',
      async handler(ctx) {
        const body = rejectFileParts(await readBody(ctx.req, options.bodyLimit));
        const { clientId, subscriptions } = parseSetSubscriptionsBody(body);
        core.realtime.setSubscriptions({ id: clientId, ip: ctx.ip }, { record: ctx.auth.record, isSuperuser: ctx.auth.isSuperuser }, subscriptions);
        sendNoContent(ctx.res);
      },
    },
  ];
}

function openStream(core: Core, ctx: HttpContext, limits: StreamLimits): void {
  const { res, req } = ctx;
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/event-stream');
  res.setHeader('Cache-Control', 'no-store');
  // Tells nginx-like proxies not to buffer the stream.
  res.setHeader('X-Accel-Buffering', 'no');
  // A stream's connection is never reused: once it ends (idle, lifetime, shutdown) the socket
  // goes too, instead of lingering as an idle keep-alive that holds the server open.
  res.setHeader('Connection', 'close');
  if (ctx.method === 'HEAD') {
    // Headers only: a HEAD must not register a client that nothing will ever read.
    res.end();
    return;
  }
  res.flushHeaders();
  req.socket.setKeepAlive(true);
  req.socket.setNoDelay(true);

  let idleTimer: NodeJS.Timeout | undefined;
  let clientId = '';
  const end = () => core.realtime.disconnect(clientId);
  const resetIdle = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(end, limits.idleMs);
    idleTimer.unref();
  };
  const maxTimer = setTimeout(end, limits.maxMs);
  maxTimer.unref();

  const sink: RealtimeSink = {
    send(message) {
      resetIdle();
      return res.write(formatEvent(message, clientId));
    },
    close() {
      clearTimeout(idleTimer);
      clearTimeout(maxTimer);
      if (!res.writableEnded) res.end();
    },
  };
  const client = core.realtime.connect(sink, { record: ctx.auth.record, isSuperuser: ctx.auth.isSuperuser }, ctx.ip);
  clientId = client.id;
  res.on('drain', () => core.realtime.drained(clientId));
  res.on('close', end);
  sink.send({ name: 'PB_CONNECT', data: { clientId } });
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

