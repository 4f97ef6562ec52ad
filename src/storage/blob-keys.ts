// The key rules every BlobStore enforces, so a key that is safe on one store is safe on all:
// `/`-separated segments, none empty, `.` or `..` (on disk they would step out of the
// store; on S3 they would make keys that cannot be copied back to disk), no NUL, and at most
// 1024 bytes (S3's limit).
import { InvalidBlobKeyError } from './errors.js';

const MAX_KEY_BYTES = 1024;

function badSegment(segment: string): boolean {
  return segment === '' || segment === '.' || segment === '..';
}

/** Throws `InvalidBlobKeyError` unless `key` names one blob. */
export function assertBlobKey(key: string): void {
  if (key === '' || key.includes('\0') || Buffer.byteLength(key) > MAX_KEY_BYTES || key.split('/').some(badSegment)) {
    throw new InvalidBlobKeyError(key);
  }
}

/** Throws `InvalidBlobKeyError` unless `prefix` is '' or a key's beginning (it may end with `/`). */
export function assertBlobPrefix(prefix: string): void {
  if (prefix === '') return;
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  if (trimmed === '' || trimmed.includes('\0') || Buffer.byteLength(prefix) > MAX_KEY_BYTES || trimmed.split('/').some(badSegment)) {
    throw new InvalidBlobKeyError(prefix);
  }
}
