// Renders a handler's reply (core/hooks/events.ts `Reply`) onto the HTTP response.
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Reply } from '../core/hooks/index.js';
import type { HttpContext } from './context.js';
import { respondJson } from './respond.js';

/** Synchronous except for streams, so the common JSON reply costs no extra promise. */
export function sendReply(ctx: HttpContext, reply: Reply): Promise<void> | void {
  const { res } = ctx;
  switch (reply.kind) {
    case 'json':
      respondJson(ctx, reply.status, reply.body, { list: reply.list });
      return;
    case 'text':
      res.statusCode = reply.status;
      res.setHeader('Content-Type', reply.contentType);
      res.setHeader('Content-Length', Buffer.byteLength(reply.body));
      res.end(reply.body);
      return;
    case 'redirect':
      res.statusCode = reply.status;
      res.setHeader('Location', reply.location);
      res.end();
      return;
    case 'noContent':
      res.statusCode = reply.status;
      res.end();
      return;
    case 'stream':
      res.statusCode = reply.status;
      res.setHeader('Content-Type', reply.contentType);
      for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
      return pipeline(Readable.from(reply.body), res);
  }
}
