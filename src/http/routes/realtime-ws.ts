// /api/realtime/ws: the subscriptions and events of /api/realtime over one WebSocket, for
// clients and proxies that prefer it (a Plinth extension; PocketBase has SSE only). The
// upgrade passes the HTTP edge like any request (client IP, Authorization header, rate
// limits); ws then speaks the protocol on the bare socket.
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { Core } from '../../core/index.js';
import { badRequest } from '../../core/errors/index.js';
import type { AuthState } from '../context.js';
import type { Route } from '../router.js';
import { pendingUpgrade } from '../upgrade.js';
import { sendReply } from '../reply.js';
import { requestInfo } from '../request-info.js';
import { sendNoContent } from '../respond.js';
import { connectRequest, DEFAULT_STREAM_LIMITS, type StreamLimits } from './realtime.js';
import { LateSink, openRealtimeConnection, type ConnectionSettings } from './realtime-ws-connection.js';

export const REALTIME_WS_PATH = '/api/realtime/ws';
/** The largest message a client may send; ws closes the connection with 1009 above it. */
export const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;

export interface RealtimeWsOptions {
  /** The HTTP edge's token check (same allowlist screening), for `auth` messages. */
  authenticate(header: string, ip: string): Promise<AuthState>;
  logger: Logger;
  /** Idle and lifetime limits, as the SSE stream's. */
  limits?: StreamLimits;
  /** How often a ping goes out; a peer that has not answered the previous one is dropped. */
  pingMs?: number;
  /** Unsent bytes above which the socket counts as not draining. */
  highWaterBytes?: number;
}

export const DEFAULT_PING_MS = 30_000;
export const DEFAULT_HIGH_WATER_BYTES = 1024 * 1024;

/**
 * The WebSocket route. The same route serves ordinary GETs (answered 400) and upgrades: list
 * it in the server's `routes` and `upgrades`.
 */
export function realtimeWsRoutes(core: Core, options: RealtimeWsOptions): Route[] {
  // Origins are not checked: the REST API answers any origin (`Access-Control-Allow-Origin: *`)
  // and authorises by token, never by cookie, so a foreign page gains nothing here either.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES, perMessageDeflate: false, clientTracking: false });
  // With this listener ws leaves a refused handshake to the caller, which answers it with the
  // usual error body instead of ws's plain-text one.
  const refused = new WeakSet<IncomingMessage>();
  wss.on('wsClientError', (_err, _socket, req) => refused.add(req));
  const settings: ConnectionSettings = {
    authenticate: options.authenticate,
    logger: options.logger,
    limits: options.limits ?? DEFAULT_STREAM_LIMITS,
    pingMs: options.pingMs ?? DEFAULT_PING_MS,
    highWaterBytes: options.highWaterBytes ?? DEFAULT_HIGH_WATER_BYTES,
  };
  return [
    {
      method: 'GET',
      path: REALTIME_WS_PATH,
      async handler(ctx) {
        const upgrade = pendingUpgrade(ctx.req);
        if (!upgrade) throw badRequest('This endpoint expects a WebSocket upgrade request.');
        const sink = new LateSink();
        const client = core.realtime.newClient(sink, { record: ctx.auth.record, isSuperuser: ctx.auth.isSuperuser }, ctx.ip);
        const info = requestInfo(ctx);
        // Before the handshake is answered: a handler that throws refuses it with its error.
        const outcome = await connectRequest(core, { client, idleMs: settings.limits.idleMs }, () => info);
        if ('reply' in outcome) {
          if (outcome.reply) await sendReply(ctx, outcome.reply);
          else sendNoContent(ctx.res);
          return;
        }
        if (upgrade.socket.destroyed) return;
        // ws answers synchronously here: either the callback ran (101 sent) or it refused.
        wss.handleUpgrade(ctx.req, upgrade.socket, upgrade.head, (ws) => {
          upgrade.detach();
          openRealtimeConnection({ core, ws, settings }, { client, sink, idleMs: outcome.idleMs, info });
        });
        if (refused.has(ctx.req)) throw badRequest('Invalid WebSocket handshake.');
      },
    },
  ];
}
