// Storage: the BlobStore port and its adapters.
export type { BlobInfo, BlobRead, BlobStore, ByteRange } from './types.js';
export { BlobTooLargeError, createLocalStore } from './local/local-store.js';
