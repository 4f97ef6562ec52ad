// The one table from error codes to HTTP statuses. It lives with the codes because the
// batch API reports each failed sub-request's status inside its own response body.
import type { ErrorCode } from './app-error.js';

export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  bad_request: 400,
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  too_many_requests: 429,
  internal: 500,
};
