// Per-request state handed to route handlers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthState } from '../core/auth/auth-state.js';

export type { AuthState };
export { GUEST } from '../core/auth/auth-state.js';

export interface HttpContext {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  params: Record<string, string | undefined>;
  query: URLSearchParams;
  auth: AuthState;
  /** Lower-cased request headers, as the rules' @request.headers sees them. */
  headers: Record<string, string>;
  /** The client address: the socket's, or a trusted proxy header's (see client-ip.ts). */
  ip: string;
}
