// Reading a record write's body with its file parts: the limits come from the collection's
// file fields, the parts become pending uploads (their real type read, their stored name
// given), and the temporary files are removed however the request ends.
import type { IncomingMessage } from 'node:http';
import type { Collection } from '../core/collections/model.js';
import { prepareUploads, type KeyedUpload } from '../core/files/uploads.js';
import { discardUploads, readBody, type ParsedBody } from './body.js';

/** PocketBase's default `maxSize` of a file field (5 MiB). */
const DEFAULT_FILE_MAX_SIZE = 5 << 20;

export interface UploadLimits {
  /** Bodies without files (JSON, urlencoded). */
  limit: number;
  /** Multipart bodies, files included. */
  multipartLimit: number;
  /** One file part (more is read past, not kept). */
  fileLimit: number;
}

/**
 * A record write's limits: a multipart body may be as large as the plain body limit plus
 * the collection's files at their largest (PocketBase sizes it the same way; here JSON
 * bodies, which are read into memory, keep the plain limit), and a file is
 * kept up to one byte over the largest `maxSize`, so the field can tell it is too large
 * without the server storing all of it.
 */
export function recordUploadLimits(collection: Collection, bodyLimit: number): UploadLimits {
  let perFile = 0;
  let total = 0;
  for (const field of collection.fields) {
    if (field.type !== 'file') continue;
    const size = field.maxSize > 0 ? field.maxSize : DEFAULT_FILE_MAX_SIZE;
    perFile = Math.max(perFile, size);
    total += size * Math.max(1, field.maxSelect);
  }
  return { limit: bodyLimit, multipartLimit: bodyLimit + total, fileLimit: perFile + 1 };
}

/** Runs `use` with the body and its uploads, then removes the temporary files. */
export async function withUploads<T>(
  req: IncomingMessage,
  limits: UploadLimits,
  use: (body: ParsedBody, uploads: KeyedUpload[]) => Promise<T>,
): Promise<T> {
  const body = await readBody(req, limits.limit, { files: { fileLimit: limits.fileLimit, multipartLimit: limits.multipartLimit } });
  try {
    const uploads = await prepareUploads(body.files);
    return await use(body, uploads);
  } finally {
    await discardUploads(body);
  }
}
