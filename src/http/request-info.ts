// HttpContext → the RequestInfo the rules see.
import type { RequestContextName, RequestInfo } from '../core/rules/request-info.js';
import type { HttpContext } from './context.js';

export function requestInfo(ctx: HttpContext, body: Record<string, unknown> = {}, context: RequestContextName = 'default'): RequestInfo {
  return {
    auth: ctx.auth.record,
    isSuperuser: ctx.auth.isSuperuser,
    method: ctx.method.toUpperCase(),
    query: queryOf(ctx),
    headers: headersOf(ctx),
    body,
    context,
    ip: ctx.ip,
  };
}

function queryOf(ctx: HttpContext): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of ctx.query) if (!(key in query)) query[key] = value;
  return query;
}

function headersOf(ctx: HttpContext): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.headers)) headers[name.toLowerCase().replaceAll('-', '_')] = value;
  return headers;
}
