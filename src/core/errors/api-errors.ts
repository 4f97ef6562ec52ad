// The errors extension code throws to answer a request with a 4xx (or a chosen status) in
// PocketBase's body. They carry a brand that survives a second copy of this module (a
// project's own `plinth` install next to the one serving), so the edge still recognises them.
import { AppError, type ErrorCode, type ErrorData } from './app-error.js';

export const API_ERROR_BRAND = Symbol.for('plinth.api-error');

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  429: 'too_many_requests',
  500: 'internal',
};

/** An error answered with `status`, `message` and `data` as given. */
export class ApiError extends AppError {
  readonly [API_ERROR_BRAND] = true;

  constructor(
    readonly status: number,
    message?: string,
    data: ErrorData = {},
  ) {
    super(CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal' : 'bad_request'), message, data);
    this.name = 'ApiError';
  }
}

export class BadRequestError extends ApiError {
  constructor(message = 'Something went wrong while processing your request.', data: ErrorData = {}) {
    super(400, message, data);
    this.name = 'BadRequestError';
  }
}

export class UnauthorizedError extends ApiError {
  constructor(message = 'Missing or invalid authentication.', data: ErrorData = {}) {
    super(401, message, data);
    this.name = 'UnauthorizedError';
  }
}

export class ForbiddenError extends ApiError {
  constructor(message = 'You are not allowed to perform this request.', data: ErrorData = {}) {
    super(403, message, data);
    this.name = 'ForbiddenError';
  }
}

export class NotFoundError extends ApiError {
  constructor(message = "The requested resource wasn't found.", data: ErrorData = {}) {
    super(404, message, data);
    this.name = 'NotFoundError';
  }
}

export class TooManyRequestsError extends ApiError {
  constructor(message = 'Too Many Requests.', data: ErrorData = {}) {
    super(429, message, data);
    this.name = 'TooManyRequestsError';
  }
}

/** A 500 whose message is shown as given (say nothing secret in it); the error is logged. */
export class InternalServerError extends ApiError {
  constructor(message = 'Something went wrong while processing your request.', data: ErrorData = {}) {
    super(500, message, data);
    this.name = 'InternalServerError';
  }
}

/** The status, message and data of an `ApiError`, also one made by another copy of this module. */
export function apiErrorParts(err: unknown): { status: number; message: string; data: ErrorData } | null {
  if (err === null || typeof err !== 'object' || (err as Record<symbol, unknown>)[API_ERROR_BRAND] !== true) return null;
  const { status, message, data } = err as { status?: unknown; message?: unknown; data?: unknown };
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) return null;
  const safeData = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as ErrorData) : {};
  return { status, message: typeof message === 'string' ? message : '', data: safeData };
}
