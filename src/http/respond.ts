// Response writers. JSON is serialised once and sent with an explicit length. `<`, `>`, `&`
// and the JS line separators are escaped the way PocketBase's encoder does, so responses
// are byte-compatible and safe to embed in HTML.
import type { ServerResponse } from 'node:http';
import type { HttpContext } from './context.js';
import { parseFieldsParam, pickFields } from '../core/records/fields-picker.js';

const ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};
const NEEDS_ESCAPE = /[<>&\u2028\u2029]/g;

export function encodeJson(body: unknown): string {
  const text = JSON.stringify(body) ?? 'null';
  // Most bodies have none of these: a few native substring scans are cheaper than a regex pass.
  if (!needsEscape(text)) return text;
  return text.replace(NEEDS_ESCAPE, (ch) => ESCAPES[ch]!);
}

function needsEscape(text: string): boolean {
  return text.includes('<') || text.includes('>') || text.includes('&') || text.includes('\u2028') || text.includes('\u2029');
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = encodeJson(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** JSON response honouring the `fields` query parameter on success. */
export function respondJson(ctx: HttpContext, status: number, body: unknown, options: { list?: boolean } = {}): void {
  const rawFields = ctx.query.get('fields');
  if (rawFields && status >= 200 && status < 300) {
    body = pickFields(body, parseFieldsParam(rawFields), options.list ?? false);
  }
  sendJson(ctx.res, status, body);
}

export function sendNoContent(res: ServerResponse): void {
  res.statusCode = 204;
  res.end();
}
