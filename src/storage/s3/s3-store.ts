// BlobStore on S3-compatible object storage (AWS S3, MinIO, R2, …). Uploads stream through
// a multipart upload in parts of a few MiB (never the whole file in memory) and are only
// visible once complete: a body that errors or passes `maxSize` aborts the upload and
// leaves nothing at its key. The content type is the object's Content-Type; `etag` is S3's
// ETag (the MD5 for single-part uploads, as on the local store).
import { DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { pipeline, Transform, type Readable } from 'node:stream';
import { assertBlobKey, assertBlobPrefix } from '../blob-keys.js';
import { KeyTurns } from '../key-turns.js';
import { BlobStoreError, BlobTooLargeError } from '../errors.js';
import type { BlobInfo, BlobRead, BlobStore, ByteRange } from '../types.js';
import { isS3NotFound, s3Failure } from './s3-errors.js';
import { exactRange } from './ranged-body.js';

export interface S3StoreSettings {
  bucket: string;
  region: string;
  /** '' for AWS's own endpoint of the region. */
  endpoint: string;
  accessKey: string;
  secret: string;
  /** `<endpoint>/<bucket>/<key>` rather than `<bucket>.<endpoint>/<key>` (MinIO and most self-hosted stores). */
  forcePathStyle: boolean;
}

const PART_SIZE = 5 * 1024 * 1024;
// Parts in flight per upload: with PART_SIZE this bounds an upload's buffers to ~15 MiB.
const PARTS_IN_FLIGHT = 2;
// Keys per ListObjectsV2 page and per DeleteObjects request (S3's maximum for both).
const PAGE_SIZE = 1000;
// How long close() lets downloads still streaming finish before it cuts the connections.
const CLOSE_GRACE_MS = 10_000;

export interface S3StoreTuning {
  /** Keys per list page and per batch delete (tests make it small to cross page boundaries). */
  pageSize?: number;
}

export function createS3Store(settings: S3StoreSettings, tuning: S3StoreTuning = {}): BlobStore {
  return new S3Store(settings, Math.min(PAGE_SIZE, tuning.pageSize ?? PAGE_SIZE));
}

class S3Store implements BlobStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  /** Requests and download bodies still open; close() waits for them. */
  private active = 0;
  private drained: (() => void) | null = null;
  private readonly turns = new KeyTurns();

  constructor(
    settings: S3StoreSettings,
    private readonly pageSize: number,
  ) {
    this.bucket = settings.bucket;
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint || undefined,
      forcePathStyle: settings.forcePathStyle,
      credentials: { accessKeyId: settings.accessKey, secretAccessKey: settings.secret },
      // Checksums only where S3 demands them: many S3-compatible stores do not understand the
      // newer checksum headers and chunked trailers the SDK would otherwise add to every upload.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // An unreachable endpoint fails in seconds; no overall request timeout, since a download
      // may stream for as long as its client reads.
      requestHandler: { connectionTimeout: 5000, httpAgent: { keepAlive: true, maxSockets: 256 }, httpsAgent: { keepAlive: true, maxSockets: 256 } },
    });
  }

  async put(key: string, body: Readable, options: { contentType: string; maxSize?: number }): Promise<BlobInfo> {
    assertBlobKey(key);
    // The first thing that went wrong on our side of the upload (the body, or the size limit):
    // that is what the caller gets, whatever the aborted upload reports afterwards.
    let failure: unknown = null;
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (options.maxSize !== undefined && size > options.maxSize) {
          failure ??= new BlobTooLargeError(options.maxSize);
          done(failure as Error);
          return;
        }
        done(null, chunk);
      },
    });
    pipeline(body, counter, (err) => {
      if (err) failure ??= err;
    });
    return this.track(async () => {
      const upload = new Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key: key, Body: counter, ContentType: options.contentType },
        partSize: PART_SIZE,
        queueSize: PARTS_IN_FLIGHT,
        leavePartsOnError: false,
      });
      try {
        await this.turns.run(key, () => upload.done());
      } catch (err) {
        // Stops the body too, so an upload S3 refused does not leave the request hanging.
        counter.destroy();
        if (failure) throw failure;
        throw s3Failure(err);
      }
      const info = await this.stat(key);
      if (!info) throw new BlobStoreError('failed', 'The uploaded file is not in the S3 bucket.');
      return info;
    });
  }

  async stat(key: string): Promise<BlobInfo | null> {
    assertBlobKey(key);
    return this.track(async () => {
      try {
        const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
        return {
          key,
          size: head.ContentLength ?? 0,
          contentType: head.ContentType || 'application/octet-stream',
          modified: head.LastModified ?? new Date(0),
          etag: unquote(head.ETag),
        };
      } catch (err) {
        if (isS3NotFound(err)) return null;
        throw s3Failure(err);
      }
    });
  }

  async get(key: string, range?: ByteRange): Promise<BlobRead | null> {
    assertBlobKey(key);
    this.active++;
    let object;
    try {
      object = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
    } catch (err) {
      this.settle();
      if (isS3NotFound(err)) return null;
      throw s3Failure(err);
    }
    const served = object.Body as Readable;
    // The body holds a connection until it is read to the end or destroyed.
    served.once('close', () => this.settle());
    const body = range ? exactRange(served, range, object.ContentRange) : served;
    const total = object.ContentRange ? Number(object.ContentRange.split('/')[1]) : NaN;
    return {
      key,
      size: Number.isFinite(total) ? total : (object.ContentLength ?? 0),
      contentType: object.ContentType || 'application/octet-stream',
      modified: object.LastModified ?? new Date(0),
      etag: unquote(object.ETag),
      body,
    };
  }

  async delete(key: string): Promise<void> {
    assertBlobKey(key);
    await this.track(async () => {
      try {
        await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
      } catch (err) {
        if (!isS3NotFound(err)) throw s3Failure(err);
      }
    });
  }

  async deletePrefix(prefix: string): Promise<void> {
    assertBlobPrefix(prefix);
    let batch: string[] = [];
    for await (const key of this.list(prefix)) {
      batch.push(key);
      if (batch.length === this.pageSize) {
        await this.deleteBatch(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await this.deleteBatch(batch);
  }

  async *list(prefix: string): AsyncIterable<string> {
    assertBlobPrefix(prefix);
    let token: string | undefined;
    do {
      const page = await this.track(async () => {
        try {
          return await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: this.pageSize }));
        } catch (err) {
          throw s3Failure(err);
        }
      });
      for (const object of page.Contents ?? []) if (object.Key !== undefined) yield object.Key;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async close(): Promise<void> {
    if (this.active > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CLOSE_GRACE_MS);
        timer.unref();
        this.drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.client.destroy();
  }

  private async deleteBatch(keys: string[]): Promise<void> {
    const result = await this.track(async () => {
      try {
        return await this.client.send(
          new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }),
        );
      } catch (err) {
        throw s3Failure(err);
      }
    });
    const failed = (result.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
    if (failed.length > 0) {
      throw new BlobStoreError('failed', `S3 could not delete ${failed.length} of ${keys.length} files.`, { cause: failed });
    }
  }

  private async track<T>(work: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await work();
    } finally {
      this.settle();
    }
  }

  private settle(): void {
    this.active--;
    if (this.active === 0 && this.drained) {
      this.drained();
      this.drained = null;
    }
  }
}

function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/^W\//, '').replace(/^"|"$/g, '');
}
