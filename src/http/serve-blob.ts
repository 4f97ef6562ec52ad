// Sends a stored blob over HTTP the way Go's http.ServeContent does for PocketBase:
// validators (ETag, Last-Modified), conditional requests (412/304), one byte range (206, or
// 416 when it lies past the end), and the body streamed from the store, never buffered.
// Several ranges in one request are answered with the whole file, which RFC 9110 allows.
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { BlobInfo, BlobRead, BlobStore, ByteRange } from '../storage/types.js';
import type { HttpContext } from './context.js';
import { sendJson } from './respond.js';

type RangeResult = { kind: 'none' } | { kind: 'one'; range: ByteRange } | { kind: 'unsatisfiable' };

/** Parses a `Range` header against a size; multi-range and non-byte units mean "whole file". */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (!header) return { kind: 'none' };
  const match = /^bytes=(.*)$/i.exec(header.trim());
  if (!match) return { kind: 'unsatisfiable' };
  const specs = match[1]!.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (specs.length === 0) return { kind: 'unsatisfiable' };
  const ranges: ByteRange[] = [];
  for (const spec of specs) {
    const parts = /^(\d*)-(\d*)$/.exec(spec);
    if (!parts || (parts[1] === '' && parts[2] === '')) return { kind: 'unsatisfiable' };
    if (parts[1] === '') {
      // Suffix: the last N bytes.
      const length = Number(parts[2]);
      if (length === 0) continue;
      ranges.push({ start: Math.max(0, size - length), end: size - 1 });
      continue;
    }
    const start = Number(parts[1]);
    const end = parts[2] === '' ? size - 1 : Math.min(Number(parts[2]), size - 1);
    if (parts[2] !== '' && Number(parts[2]) < start) return { kind: 'unsatisfiable' };
    if (start >= size) continue;
    ranges.push({ start, end });
  }
  if (ranges.length === 0) return { kind: 'unsatisfiable' };
  if (ranges.length > 1) return { kind: 'none' };
  return { kind: 'one', range: ranges[0]! };
}

function etagMatches(header: string, etag: string, weak: boolean): boolean {
  if (header.trim() === '*') return true;
  const bare = (tag: string) => (weak ? tag.replace(/^W\//, '') : tag);
  return header.split(',').some((tag) => {
    const t = tag.trim();
    if (!weak && t.startsWith('W/')) return false;
    return bare(t) === etag;
  });
}

/** HTTP dates have whole seconds: compare at that precision. */
function modifiedSeconds(info: BlobInfo): number {
  return Math.floor(info.modified.getTime() / 1000);
}

function parseDate(header: string | undefined): number | null {
  if (!header) return null;
  const time = Date.parse(header);
  return Number.isNaN(time) ? null : Math.floor(time / 1000);
}

type Precondition = 'proceed' | 'not-modified' | 'failed';

function checkPreconditions(ctx: HttpContext, info: BlobInfo, etag: string): Precondition {
  const h = ctx.req.headers;
  const ifMatch = h['if-match'];
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, etag, false)) return 'failed';
  } else {
    const since = parseDate(h['if-unmodified-since']);
    if (since !== null && modifiedSeconds(info) > since) return 'failed';
  }
  const ifNoneMatch = h['if-none-match'];
  if (ifNoneMatch !== undefined) {
    if (etagMatches(ifNoneMatch, etag, true)) return ctx.method === 'GET' || ctx.method === 'HEAD' ? 'not-modified' : 'failed';
  } else if (ctx.method === 'GET' || ctx.method === 'HEAD') {
    const since = parseDate(h['if-modified-since']);
    if (since !== null && modifiedSeconds(info) <= since) return 'not-modified';
  }
  return 'proceed';
}

/** Whether an `If-Range` validator still matches, so the `Range` applies. */
function rangeStillValid(ctx: HttpContext, info: BlobInfo, etag: string): boolean {
  const ifRange = ctx.headers['if-range'];
  if (ifRange === undefined) return true;
  if (ifRange.startsWith('"') || ifRange.startsWith('W/')) return ifRange === etag;
  const date = parseDate(ifRange);
  return date !== null && modifiedSeconds(info) === date;
}

/**
 * Answers with the blob at `key`, with the headers `headersFor` gives for it; false when it is
 * missing and nothing was sent (the caller answers 404).
 */
export async function serveBlob(
  ctx: HttpContext,
  blob: { store: BlobStore; key: string },
  headersFor: (info: BlobInfo) => Record<string, string>,
): Promise<boolean> {
  // A plain GET (most downloads) reads at once: one metadata lookup instead of two.
  let read: BlobRead | null = isPlainGet(ctx) ? await blob.store.get(blob.key) : null;
  const info = read ?? (await blob.store.stat(blob.key));
  if (!info) return false;
  const res = ctx.res;
  const etag = `"${info.etag}"`;
  for (const [name, value] of Object.entries(headersFor(info))) res.setHeader(name, value);
  res.setHeader('ETag', etag);
  res.setHeader('Last-Modified', info.modified.toUTCString());
  res.setHeader('Accept-Ranges', 'bytes');

  const precondition = checkPreconditions(ctx, info, etag);
  if (precondition === 'failed') {
    clearEntityHeaders(res);
    sendJson(res, 412, { status: 412, message: 'Precondition Failed.', data: {} });
    return true;
  }
  if (precondition === 'not-modified') {
    clearEntityHeaders(res);
    res.statusCode = 304;
    res.end();
    return true;
  }

  const parsed = rangeStillValid(ctx, info, etag) ? parseRange(ctx.req.headers.range, info.size) : { kind: 'none' as const };
  if (parsed.kind === 'unsatisfiable') {
    clearEntityHeaders(res);
    res.setHeader('Content-Range', `bytes */${info.size}`);
    sendJson(res, 416, { status: 416, message: 'The requested range is not satisfiable.', data: {} });
    return true;
  }
  const range = parsed.kind === 'one' ? parsed.range : undefined;
  if (range) {
    res.statusCode = 206;
    res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${info.size}`);
    res.setHeader('Content-Length', range.end - range.start + 1);
  } else {
    res.statusCode = 200;
    res.setHeader('Content-Length', info.size);
  }
  if (ctx.method === 'HEAD' || info.size === 0) {
    read?.body.destroy();
    res.end();
    return true;
  }
  read ??= await blob.store.get(blob.key, range);
  if (!read) {
    // Deleted between the stat and the read: nothing has been sent yet.
    for (const name of res.getHeaderNames()) if (!name.startsWith('access-control-')) res.removeHeader(name);
    return false;
  }
  // A client that goes away mid-download ends the read; the store's stream is closed with it.
  await pipeline(read.body, res).catch(() => {
    read.body.destroy();
    res.destroy();
  });
  return true;
}

function isPlainGet(ctx: HttpContext): boolean {
  const h = ctx.headers;
  return (
    ctx.method === 'GET' &&
    h.range === undefined &&
    h['if-match'] === undefined &&
    h['if-none-match'] === undefined &&
    h['if-modified-since'] === undefined &&
    h['if-unmodified-since'] === undefined
  );
}

/** Headers that describe a body, dropped from bodiless and error answers. */
function clearEntityHeaders(res: ServerResponse): void {
  for (const name of ['Content-Type', 'Content-Length', 'Content-Disposition', 'Content-Encoding']) res.removeHeader(name);
}
