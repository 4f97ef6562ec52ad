// Targets and redirects. Redirects are followed by hand rather than by a client library so
// that every target passes the same checks as the first one.
import { OutboundRefusedError } from './errors.js';

/** One request of an exchange: the first one, or one a redirect asked for. */
export interface Hop {
  readonly url: URL;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

/** Headers that describe a body, dropped when a redirect turns the request into a GET. */
const BODY_HEADERS = new Set(['content-type', 'content-length', 'content-encoding', 'transfer-encoding']);
/** Credentials meant for the first origin, never forwarded to another one. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);

/**
 * Parses a target URL (relative to `base` for a redirect) and refuses what must never be
 * fetched: schemes other than http(s), and URLs carrying credentials, which would be sent
 * along and logged.
 */
export function parseTarget(text: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw new Error(`invalid URL: ${text}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OutboundRefusedError(`refused ${url.protocol} URL: only http and https are allowed`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new OutboundRefusedError(`refused URL with credentials for ${url.host}`);
  }
  return url;
}

function withoutHeaders(headers: Record<string, string>, names: ReadonlySet<string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.has(name.toLowerCase())));
}

/** The request a redirect response asks for: 307/308 repeat it as is, 301/302/303 become a GET without body. */
export function nextHop(previous: Hop, status: number, location: string): Hop {
  const url = parseTarget(location, previous.url);
  const keepsMethod = status === 307 || status === 308;
  let headers = keepsMethod ? previous.headers : withoutHeaders(previous.headers, BODY_HEADERS);
  if (url.origin !== previous.url.origin) headers = withoutHeaders(headers, CREDENTIAL_HEADERS);
  return keepsMethod ? { ...previous, url, headers } : { url, method: 'GET', headers, body: undefined };
}
