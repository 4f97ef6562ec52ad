// The error edge: domain errors (statuses from core/errors/status.ts) rendered as PocketBase's body.
// Unknown errors are normalised here: the client gets a generic 500 body, the log gets the rest.
import type { ErrorData } from '../core/errors/index.js';
import { AppError, DEFAULT_MESSAGES, STATUS_BY_CODE, apiErrorParts } from '../core/errors/index.js';

export { STATUS_BY_CODE };

export interface ErrorBody {
  status: number;
  message: string;
  data: ErrorData;
}

export function toErrorBody(err: unknown): { body: ErrorBody; internal: boolean } {
  // Thrown by extension code (any copy of the module): the status it chose.
  const api = apiErrorParts(err);
  if (api) {
    const message = sentence(api.message || (api.status >= 500 ? DEFAULT_MESSAGES.internal : DEFAULT_MESSAGES.bad_request));
    return { body: { data: sentenceData(api.data), message, status: api.status }, internal: api.status >= 500 };
  }
  if (err instanceof AppError) {
    const status = STATUS_BY_CODE[err.code];
    // Key order as PocketBase encodes its error struct: data, message, status.
    const body = { data: sentenceData(err.data), message: sentence(err.message), status, ...err.extra };
    return { body, internal: err.code === 'internal' };
  }
  return { body: { data: {}, message: DEFAULT_MESSAGES.internal, status: 500 }, internal: true };
}

/** Field messages get the same sentence form as the top-level one. */
function sentenceData(data: ErrorData): ErrorData {
  const out: ErrorData = {};
  for (const [key, value] of Object.entries(data)) {
    if (typeof (value as { code?: unknown }).code === 'string' && typeof (value as { message?: unknown }).message === 'string') {
      const item = value as { code: string; message: string; params?: Record<string, unknown> };
      out[key] = { ...item, message: sentence(item.message) };
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = sentenceData(value as ErrorData);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** PocketBase's messages are capitalised sentences ending with a full stop. */
function sentence(message: string): string {
  const trimmed = message.trim();
  if (trimmed === '') return trimmed;
  const first = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}
