// Turns what the S3 client throws into a BlobStoreError whose message names the likely cause
// in our own words. The service's and the SDK's text (which can quote keys, hosts or an
// access key id) stays on `cause`, for the log only.
import { BlobStoreError } from '../errors.js';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);
const DENIED_CODES = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken', 'Forbidden']);
// Node's certificate errors (self-signed, expired, wrong host name, unknown issuer).
const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_|ERR_TLS_|ERR_SSL_/;
const MISCONFIGURED_CODES = new Set(['PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException', 'InvalidBucketName', 'InvalidURI']);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** The HTTP status S3 answered with, if it answered. */
export function s3Status(err: unknown): number | undefined {
  return (err as SdkErrorShape | null)?.$metadata?.httpStatusCode;
}

/** S3's error code (`NoSuchKey`, `AccessDenied`, …) or a Node network code. */
export function s3Code(err: unknown): string {
  const shape = (err ?? {}) as SdkErrorShape;
  for (const value of [shape.Code, shape.code, shape.name]) if (typeof value === 'string' && value !== '') return value;
  return '';
}

export function isS3NotFound(err: unknown): boolean {
  const code = s3Code(err);
  return code === 'NotFound' || code === 'NoSuchKey' || (s3Status(err) === 404 && code !== 'NoSuchBucket');
}

export function s3Failure(err: unknown): BlobStoreError {
  if (err instanceof BlobStoreError) return err;
  const code = s3Code(err);
  const status = s3Status(err);
  const nested = s3Code((err as { cause?: unknown } | null)?.cause);
  if (status === undefined && TLS_CODE.test(code)) {
    return new BlobStoreError('unreachable', "The S3 endpoint's TLS certificate was not accepted.", { cause: err });
  }
  if (NETWORK_CODES.has(code) || NETWORK_CODES.has(nested) || code === 'TimeoutError' || (status === undefined && /^E[A-Z]+$/.test(code))) {
    return new BlobStoreError('unreachable', 'The S3 endpoint could not be reached.', { cause: err });
  }
  if (code === 'NoSuchBucket') return new BlobStoreError('missing-bucket', 'The S3 bucket does not exist.', { cause: err });
  if (DENIED_CODES.has(code) || status === 403) {
    return new BlobStoreError('denied', 'S3 refused the access key and secret, or they lack permission on the bucket.', { cause: err });
  }
  if (MISCONFIGURED_CODES.has(code) || status === 301) {
    return new BlobStoreError('misconfigured', 'S3 refused the request: check the endpoint, the region and the path-style setting.', { cause: err });
  }
  // S3 error codes are short CamelCase names, safe to show; anything else is not repeated.
  const shown = /^[A-Za-z]{1,64}$/.test(code) && status !== undefined ? ` (${code}, HTTP ${status})` : status !== undefined ? ` (HTTP ${status})` : '';
  return new BlobStoreError('failed', `The S3 request failed${shown}.`, { cause: err });
}
