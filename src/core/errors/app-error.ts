// One error type for the whole domain. Code says what went wrong; the HTTP layer maps
// codes to statuses in one table (http/error-status.ts) and renders PocketBase's body
// `{status, message, data}`. Anything that is not an AppError is an internal error:
// logged in full, answered with a generic message.

export type ErrorCode =
  | 'bad_request'
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'too_many_requests'
  | 'internal';

/** One field's failure, as PocketBase sends it under `data.<field>`. */
export interface FieldError {
  code: string;
  message: string;
  params?: Record<string, unknown>;
}

/** A nested map of field errors (batch and nested objects nest deeper). */
export type ErrorData = { [key: string]: FieldError | ErrorData };

export const DEFAULT_MESSAGES: Record<ErrorCode, string> = {
  bad_request: 'Something went wrong while processing your request.',
  validation: 'Failed to create record.',
  unauthorized: 'Missing or invalid authentication.',
  forbidden: 'You are not allowed to perform this request.',
  not_found: "The requested resource wasn't found.",
  conflict: 'The request conflicts with the current state.',
  payload_too_large: 'Request entity too large.',
  too_many_requests: 'Too Many Requests.',
  internal: 'Something went wrong while processing your request.',
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly data: ErrorData;
  /** Fields answered next to `{data, message, status}` (the MFA challenge's `mfaId`). */
  extra?: Record<string, string>;

  constructor(code: ErrorCode, message?: string, data: ErrorData = {}, options?: { cause?: unknown }) {
    super(message ?? DEFAULT_MESSAGES[code], options);
    this.name = 'AppError';
    this.code = code;
    this.data = data;
  }
}

export const badRequest = (message?: string, data?: ErrorData) => new AppError('bad_request', message, data);
export const unauthorized = (message?: string) => new AppError('unauthorized', message);
export const forbidden = (message?: string) => new AppError('forbidden', message);
export const notFound = (message?: string) => new AppError('not_found', message);

/** A field validation failure: `{ field: { code, message } }`. */
export function fieldError(code: string, message: string, params?: Record<string, unknown>): FieldError {
  return params ? { code, message, params } : { code, message };
}

/** Thrown by validators; the caller decides the top-level message. */
export class ValidationError extends AppError {
  constructor(data: ErrorData, message = 'Failed to validate the submitted data.') {
    super('bad_request', message, data);
    this.name = 'ValidationError';
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
