// Request body reading for JSON, urlencoded and multipart forms, capped at the body limit.
// Multipart form values and any number of `@jsonPayload` parts are merged into one object,
// as PocketBase does; file parts are collected separately for the records layer.
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import busboy from 'busboy';
import { AppError, badRequest } from '../core/errors/index.js';
import type { UploadSource } from '../core/files/uploads.js';

export const JSON_PAYLOAD_KEY = '@jsonPayload';

/**
 * A file part of a multipart body, kept in a temporary file while the request runs (`path`
 * is '' when the route takes no files and the part was skipped).
 */
export type UploadedFile = UploadSource;

export interface ParsedBody {
  data: Record<string, unknown>;
  files: UploadedFile[];
  /** The directory holding this request's temporary files, if any. */
  tempDir?: string;
}

export interface ReadBodyOptions {
  /**
   * Keep file parts (in temporary files; see `discardUploads`), each up to `fileLimit`
   * bytes. Without it file parts are read past and listed without content.
   */
  files?: {
    fileLimit: number;
    /** The limit of a multipart body (room for its files); other bodies keep `limit`. */
    multipartLimit: number;
  };
}

const TEMP_DIR_PREFIX = 'plinth-upload-';

const INVALID_FORMAT = 'Failed to load the submitted data due to invalid formatting.';

function tooLarge(): AppError {
  return new AppError('payload_too_large', 'Request entity too large.');
}

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

export async function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** Reads and parses the body. An empty body is `{}`. */
export async function readBody(req: IncomingMessage, limit: number, options: ReadBodyOptions = {}): Promise<ParsedBody> {
  const type = mediaType(req);
  if (type === 'multipart/form-data') {
    const multipartLimit = options.files?.multipartLimit ?? limit;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > multipartLimit) {
      req.resume();
      throw tooLarge();
    }
    return readMultipart(req, { limit: multipartLimit, fileLimit: options.files?.fileLimit ?? -1 });
  }
  const raw = await readRawBody(req, limit);
  if (raw.length === 0) return { data: {}, files: [] };
  if (type === 'application/x-www-form-urlencoded') {
    return { data: formToObject(new URLSearchParams(raw.toString('utf8'))), files: [] };
  }
  return { data: parseJsonObject(raw.toString('utf8')), files: [] };
}

export function parseJsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest(INVALID_FORMAT);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest(INVALID_FORMAT);
  return value as Record<string, unknown>;
}

/** Repeated keys become arrays; single keys stay strings (the field layer normalises further). */
function formToObject(entries: Iterable<[string, string]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    if (key === JSON_PAYLOAD_KEY) {
      Object.assign(out, parseJsonObject(value));
      continue;
    }
    addValue(out, key, value);
  }
  return out;
}

function addValue(out: Record<string, unknown>, key: string, value: unknown): void {
  if (!Object.prototype.hasOwnProperty.call(out, key)) {
    out[key] = value;
  } else if (Array.isArray(out[key])) {
    (out[key] as unknown[]).push(value);
  } else {
    out[key] = [out[key], value];
  }
}

const MAX_PARTS = 1000;

/**
 * Multipart is streamed: each file part goes straight to its own temporary file (one
 * directory per request, removed by `discardUploads`), so a large upload never sits in
 * memory. A file over `fileLimit` stops being written but is still read to its end and
 * marked `truncated`, so the field's size rule can answer with its own error.
 */
function readMultipart(req: IncomingMessage, options: { limit: number; fileLimit: number }): Promise<ParsedBody> {
  const { limit } = options;
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { fileSize: Math.max(0, options.fileLimit), fieldSize: limit, parts: MAX_PARTS, fields: MAX_PARTS, files: MAX_PARTS },
        defParamCharset: 'utf8',
      });
    } catch {
      reject(badRequest(INVALID_FORMAT));
      return;
    }
    const fields: Array<[string, string]> = [];
    const body: ParsedBody = { data: {}, files: [] };
    const writes: Array<Promise<void>> = [];
    const open = new Set<WriteStream>();
    let received = 0;
    let failed = false;
    let tempDir: Promise<string> | null = null;
    const fail = (err: AppError) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      req.resume();
      for (const stream of open) stream.destroy();
      // Answer only once every temporary file is closed and removed: nothing outlives the request.
      void Promise.allSettled(writes)
        .then(() => discardUploads(body))
        .finally(() => reject(err));
    };
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) fail(tooLarge());
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) return fail(tooLarge());
      fields.push([name, value]);
    });
    parser.on('file', (name, stream, info) => {
      if (failed) {
        stream.resume();
        return;
      }
      const file: UploadedFile = { field: name, filename: info.filename ?? '', mimeType: info.mimeType, path: '', size: 0, truncated: false };
      body.files.push(file);
      stream.on('limit', () => {
        file.truncated = true;
      });
      // Counted as it flows; the stream stays paused (and busboy with it) until piped.
      const count = (chunk: Buffer) => {
        file.size += chunk.length;
      };
      if (options.fileLimit < 0) {
        stream.on('data', count);
        return;
      }
      tempDir ??= mkdtemp(join(tmpdir(), TEMP_DIR_PREFIX)).then((dir) => {
        body.tempDir = dir;
        return dir;
      });
      const write = tempDir.then(
        (dir) =>
          new Promise<void>((done, broken) => {
            file.path = join(dir, String(body.files.indexOf(file)));
            const out = createWriteStream(file.path, { flags: 'wx' });
            open.add(out);
            out.on('close', () => open.delete(out));
            out.on('error', broken);
            // 'close' also follows a destroy (an aborted request), where no 'finish' comes.
            out.on('close', () => done());
            stream.on('data', count);
            stream.pipe(out);
          }),
      );
      // The first write failure fails the request; the others settle in `fail`.
      writes.push(write.catch(() => fail(badRequest(INVALID_FORMAT))));
    });
    const tooManyParts = () => fail(badRequest('Too many multipart parts.'));
    parser.on('partsLimit', tooManyParts);
    parser.on('filesLimit', tooManyParts);
    parser.on('fieldsLimit', tooManyParts);
    parser.on('error', () => fail(badRequest(INVALID_FORMAT)));
    parser.on('close', () => {
      void Promise.all(writes).then(() => {
        if (failed) return;
        try {
          body.data = formToObject(fields);
          resolve(body);
        } catch (err) {
          fail(err instanceof AppError ? err : badRequest(INVALID_FORMAT));
        }
      });
    });
    req.on('aborted', () => fail(badRequest(INVALID_FORMAT)));
    req.on('error', () => fail(badRequest(INVALID_FORMAT)));
    req.pipe(parser);
  });
}

/** Removes the request's temporary upload files (safe to call more than once). */
export async function discardUploads(body: ParsedBody): Promise<void> {
  const dir = body.tempDir;
  if (!dir) return;
  body.tempDir = undefined;
  await rm(dir, { recursive: true, force: true });
}

/** For endpoints that take no files: a request carrying file parts is refused rather than half-applied. */
export function rejectFileParts(body: ParsedBody): Record<string, unknown> {
  if (body.files.length > 0) throw badRequest('This endpoint does not accept file uploads.');
  return body.data;
}
