// Errors a BlobStore rejects with. Their messages are written for people and hold no
// secrets and no text from a storage service, so callers may show them; what the service
// said stays in `cause`, for the log.

/** The body was larger than the `maxSize` the caller gave; nothing was stored. */
export class BlobTooLargeError extends Error {
  constructor(readonly maxSize: number) {
    super(`The file is larger than ${maxSize} bytes.`);
    this.name = 'BlobTooLargeError';
  }
}

/** A key (or prefix) that could name something outside the store, or that no store can hold. */
export class InvalidBlobKeyError extends Error {
  constructor(readonly key: string) {
    super('Invalid storage key.');
    this.name = 'InvalidBlobKeyError';
  }
}

/** Why a store could not do what it was asked, in words a settings form can show. */
export type BlobStoreFailure = 'unreachable' | 'denied' | 'missing-bucket' | 'misconfigured' | 'failed';

/** The storage service could not be reached, refused the request, or failed it. */
export class BlobStoreError extends Error {
  constructor(
    readonly failure: BlobStoreFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BlobStoreError';
  }
}
