// HTTP upgrade requests (WebSocket). node:http hands an upgrade over as a bare socket, outside
// the request path; to give it the same edge as any request (client IP, Authorization,
// guards, PocketBase's error body) a response object is made on that socket. The route that
// accepts the upgrade then takes the socket back from it.
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface PendingUpgrade {
  socket: Duplex;
  /** Bytes the client sent after the request head (the start of the upgraded stream). */
  head: Buffer;
  /** Ends the response's use of the socket: the caller owns it from now on. */
  detach(): void;
}

const pending = new WeakMap<IncomingMessage, PendingUpgrade>();

/**
 * A response written onto an upgrade request's socket. A connection answered this way is not
 * upgraded, so the socket is closed once the answer has left.
 */
export function upgradeResponse(req: IncomingMessage, socket: Duplex, head: Buffer): ServerResponse {
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  // node:http removed its own error handler from this socket: without one a reset would crash.
  const onError = () => socket.destroy();
  socket.on('error', onError);
  const closeAfterAnswer = () => {
    socket.once('finish', () => socket.destroy());
    socket.end();
  };
  res.once('finish', closeAfterAnswer);
  pending.set(req, {
    socket,
    head,
    detach() {
      pending.delete(req);
      res.off('finish', closeAfterAnswer);
      res.detachSocket(socket as Socket);
      socket.off('error', onError);
    },
  });
  return res;
}

/** The socket of an upgrade request not yet answered nor taken; null for ordinary requests. */
export function pendingUpgrade(req: IncomingMessage): PendingUpgrade | null {
  return pending.get(req) ?? null;
}

/** Whether an upgrade request may be served as the ordinary request it also is (ignoring the offer). */
export function servableWithoutUpgrade(req: IncomingMessage): boolean {
  const wanted = (req.headers.upgrade ?? '').toLowerCase();
  // A WebSocket handshake to a path without one must fail; other offers (h2c) are optional for
  // the server. Only bodiless methods: node:http has stopped parsing the request, so a body
  // would never arrive.
  return wanted !== 'websocket' && (req.method === 'GET' || req.method === 'HEAD');
}
