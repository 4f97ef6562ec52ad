// The BlobStore port: where file-field uploads, their thumbnails and their metadata live.
// Keys are `/`-separated paths; PocketBase's layout is `<collectionId>/<recordId>/<fileName>`
// and `<collectionId>/<recordId>/thumbs_<fileName>/<size>_<fileName>` for thumbnails, so an
// existing `pb_data/storage` directory works as a local store as it is. Adapters: local disk
// (`local/`) and S3-compatible object storage (`s3/`); one shared case suite runs against both.
import type { Readable } from 'node:stream';

export interface BlobInfo {
  key: string;
  size: number;
  contentType: string;
  modified: Date;
  /** A strong validator for conditional requests (a content hash when the store keeps one). */
  etag: string;
}

export interface BlobRead extends BlobInfo {
  /** The bytes (only the requested range when one was given). */
  body: Readable;
}

/** Inclusive byte range, as in an HTTP `Range` header. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Every method rejects with `InvalidBlobKeyError` for a key outside the rules of
 * `blob-keys.ts`. When storage itself fails, the S3 adapter rejects with `BlobStoreError`
 * (see `errors.ts`); the local one with the file system's error.
 */
export interface BlobStore {
  /**
   * Streams `body` to `key`, replacing what is there; resolves once everything is stored.
   * Rejects (and leaves nothing behind at `key`) when the stream errors or exceeds `maxSize`.
   */
  put(key: string, body: Readable, options: { contentType: string; maxSize?: number }): Promise<BlobInfo>;
  /** Null when there is no blob at `key`. */
  stat(key: string): Promise<BlobInfo | null>;
  /** Null when there is no blob at `key`; a range past the end is clamped by the caller (use `stat`). */
  get(key: string, range?: ByteRange): Promise<BlobRead | null>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Deletes every blob whose key starts with `prefix` (a record's or a collection's files). */
  deletePrefix(prefix: string): Promise<void>;
  /** Keys under `prefix`, for cleanups and tests. */
  list(prefix: string): AsyncIterable<string>;
  close(): Promise<void>;
}
