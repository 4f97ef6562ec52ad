// Storage: the BlobStore port and its adapters.
export type { BlobInfo, BlobRead, BlobStore, ByteRange } from './types.js';
export { BlobStoreError, BlobTooLargeError, InvalidBlobKeyError, type BlobStoreFailure } from './errors.js';
export { createLocalStore } from './local/local-store.js';
export { createS3Store, type S3StoreSettings } from './s3/s3-store.js';
