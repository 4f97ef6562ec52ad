// The event custom routes and middlewares get: the request event of the hook API plus what
// only HTTP has — path parameters and the raw node:http request and response.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestEvent, type HookApp } from '../core/hooks/index.js';
import { forbidden, notFound, unauthorized } from '../core/errors/index.js';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { RequestInfo } from '../core/rules/request-info.js';
import type { HttpContext } from './context.js';

export class RouteEvent extends RequestEvent {
  constructor(
    app: HookApp,
    info: RequestInfo,
    private readonly ctx: HttpContext,
  ) {
    super(app, info);
  }

  /** Path parameters (`/api/hello/{name}` → `params.name`). */
  get params(): Record<string, string | undefined> {
    return this.ctx.params;
  }

  get path(): string {
    return this.ctx.path;
  }

  get method(): string {
    return this.ctx.method;
  }

  /** The parsed body (JSON, form or multipart fields); empty for a request without one. */
  get body(): Record<string, unknown> {
    return this.info.body;
  }

  get query(): URLSearchParams {
    return this.ctx.query;
  }

  /** The client address (trusted proxy headers applied). */
  get ip(): string {
    return this.ctx.ip;
  }

  /** The raw request, for what the event does not cover (its body has been read already). */
  get request(): IncomingMessage {
    return this.ctx.req;
  }

  /** The raw response: write to it directly to answer in a way the reply helpers do not cover. */
  get response(): ServerResponse {
    return this.ctx.res;
  }

  /**
   * Answers with a file from the server's disk, streamed. The type follows the extension for
   * common web files unless given; `downloadName` makes it an attachment. A missing file is a 404.
   */
  async file(path: string, options: { contentType?: string; downloadName?: string; status?: number } = {}): Promise<void> {
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) throw notFound();
    const headers: Record<string, string> = { 'Content-Length': String(info.size), 'X-Content-Type-Options': 'nosniff' };
    if (options.downloadName !== undefined) {
      headers['Content-Disposition'] = `attachment; filename*=UTF-8''${encodeURIComponent(options.downloadName)}`;
    }
    const contentType = options.contentType ?? WEB_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
    this.stream(options.status ?? 200, contentType, createReadStream(path));
    if (this.reply?.kind === 'stream') this.reply.headers = headers;
  }
}

const WEB_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.pdf': 'application/pdf',
};

export type RouteHandler = (e: RouteEvent) => Promise<void> | void;

/** Middleware: lets the request through with `await e.next()`, or answers/throws instead. */
export type Middleware = RouteHandler;

/** Only authenticated accounts (of the given collections, when named) or superusers pass. */
export function requireAuth(...collections: string[]): Middleware {
  return async (e) => {
    const auth = e.info.auth;
    if (!auth) throw unauthorized('The request requires valid record authorization token.');
    if (collections.length > 0 && !e.info.isSuperuser && !collections.includes(auth.collection.name) && !collections.includes(auth.collection.id)) {
      throw forbidden('The authorized record is not allowed to perform this action.');
    }
    await e.next();
  };
}

export function requireSuperuserAuth(): Middleware {
  return async (e) => {
    if (!e.info.auth) throw unauthorized('The request requires valid record authorization token.');
    if (!e.info.isSuperuser) throw forbidden('The authorized record is not allowed to perform this action.');
    await e.next();
  };
}

export function requireGuestOnly(): Middleware {
  return async (e) => {
    if (e.info.auth) throw badRequestGuest();
    await e.next();
  };
}

function badRequestGuest(): Error {
  return forbidden('The request can be accessed only by guests.');
}
