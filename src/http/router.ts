// Route table types. Every route of the API is listed in routes/index.ts.
import type { HttpContext } from './context.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

export type Handler = (ctx: HttpContext) => Promise<void> | void;

export interface Route {
  method: HttpMethod;
  path: string;
  handler: Handler;
}
