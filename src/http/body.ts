// Request body reading for JSON, urlencoded and multipart forms, capped at the body limit.
// Multipart form values and any number of `@jsonPayload` parts are merged into one object,
// as PocketBase does; file parts are collected separately for the records layer.
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { AppError, badRequest } from '../core/errors/index.js';

export const JSON_PAYLOAD_KEY = '@jsonPayload';

export interface UploadedFile {
  field: string;
  filename: string;
  mimeType: string;
  data: Buffer;
}

export interface ParsedBody {
  data: Record<string, unknown>;
  files: UploadedFile[];
}

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
export async function readBody(req: IncomingMessage, limit: number): Promise<ParsedBody> {
  const type = mediaType(req);
  if (type === 'multipart/form-data') return readMultipart(req, limit);
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

function readMultipart(req: IncomingMessage, limit: number): Promise<ParsedBody> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { fileSize: limit, fieldSize: limit, parts: MAX_PARTS, fields: MAX_PARTS, files: MAX_PARTS },
        defParamCharset: 'utf8',
      });
    } catch {
      reject(badRequest(INVALID_FORMAT));
      return;
    }
    const fields: Array<[string, string]> = [];
    const files: UploadedFile[] = [];
    let total = 0;
    let failed: AppError | null = null;
    const fail = (err: AppError) => {
      if (failed) return;
      failed = err;
      req.unpipe(parser);
      req.resume();
      reject(err);
    };
    parser.on('field', (name, value, info) => {
      total += value.length;
      if (info.valueTruncated || total > limit) return fail(tooLarge());
      fields.push([name, value]);
    });
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > limit) {
          stream.resume();
          fail(tooLarge());
          return;
        }
        chunks.push(chunk);
      });
      stream.on('limit', () => fail(tooLarge()));
      stream.on('end', () => {
        files.push({ field: name, filename: info.filename ?? "", mimeType: info.mimeType, data: Buffer.concat(chunks) });
      });
    });
    parser.on('partsLimit', () => fail(badRequest('Too many multipart parts.')));
    parser.on('filesLimit', () => fail(badRequest('Too many multipart parts.')));
    parser.on('fieldsLimit', () => fail(badRequest('Too many multipart parts.')));
    parser.on('error', () => fail(badRequest(INVALID_FORMAT)));
    parser.on('close', () => {
      if (failed) return;
      try {
        resolve({ data: formToObject(fields), files });
      } catch (err) {
        reject(err);
      }
    });
    req.on('aborted', () => fail(badRequest(INVALID_FORMAT)));
    req.pipe(parser);
  });
}

/** Files are not stored yet: a request carrying file parts is refused rather than half-applied. */
export function rejectFileParts(body: ParsedBody): Record<string, unknown> {
  if (body.files.length > 0) {
    throw badRequest('File uploads are not supported yet: send the record without file parts.');
  }
  return body.data;
}
