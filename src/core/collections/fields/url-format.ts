// The URL syntax PocketBase accepts (ozzo-validation's `is.URL` = govalidator's IsURL at
// the version PocketBase pins) and the host Go's url.Parse reports, which the url field
// compares with its domain lists. govalidator's pattern has nested quantifiers that a
// backtracking engine can take exponential time on, so its language is checked here in
// pieces, each with a linear pattern, combining the pieces explicitly.
import { isIPv6 } from 'node:net';

const MAX_URL_RUNES = 2083;
const MIN_URL_BYTES = 3;

export interface GoUrl {
  scheme: string;
  host: string;
  path: string;
}

/** govalidator.IsURL: the prechecks, Go's url.Parse, then the URL pattern. */
export function isUrlFormat(value: string): boolean {
  if (value === '' || Array.from(value).length >= MAX_URL_RUNES) return false;
  if (Buffer.byteLength(value) <= MIN_URL_BYTES || value.startsWith('.')) return false;
  const probe = value.includes(':') && !value.includes('://') ? `http://${value}` : value;
  const parsed = parseGoUrl(probe);
  if (!parsed || parsed.host.startsWith('.')) return false;
  if (parsed.host === '' && parsed.path !== '' && !parsed.path.includes('.')) return false;
  return matchesUrlPattern(value);
}

// ---------------------------------------------------------------------------
// Go's net/url.Parse, reduced to what decides success and the host.

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+\-.]*$/;
const USERINFO = /^[a-zA-Z0-9\-._:~!$&'()*+,;=%@]*$/;
const BAD_ESCAPE = /%(?![0-9a-fA-F]{2})/;
// ASCII characters Go refuses in a host (outside percent-escapes).
const BAD_HOST_CHAR = /[^a-zA-Z0-9\-._~!$&'()*+,;=:[\]<>"%\u0080-\uffff]/u;

/** Returns null where Go's url.Parse returns an error. */
export function parseGoUrl(raw: string): GoUrl | null {
  if (hasControlChar(raw)) return null;
  const hashAt = raw.indexOf('#');
  if (hashAt >= 0 && BAD_ESCAPE.test(raw.slice(hashAt + 1))) return null;
  let rest = hashAt >= 0 ? raw.slice(0, hashAt) : raw;

  let scheme = '';
  const colon = rest.indexOf(':');
  if (colon === 0) return null; // "missing protocol scheme"
  if (colon > 0 && SCHEME.test(rest.slice(0, colon))) {
    scheme = rest.slice(0, colon).toLowerCase();
    rest = rest.slice(colon + 1);
  }
  const queryAt = rest.indexOf('?');
  if (queryAt >= 0) rest = rest.slice(0, queryAt);

  if (!rest.startsWith('/')) {
    if (scheme !== '') return { scheme, host: '', path: '' }; // opaque
    const firstSegment = rest.split('/', 1)[0] ?? '';
    if (firstSegment.includes(':')) return null;
  }

  let host = '';
  if (rest.startsWith('//') && (scheme !== '' || !rest.startsWith('///'))) {
    const afterSlashes = rest.slice(2);
    const slash = afterSlashes.indexOf('/');
    const authority = slash >= 0 ? afterSlashes.slice(0, slash) : afterSlashes;
    rest = slash >= 0 ? afterSlashes.slice(slash) : '';
    const at = authority.lastIndexOf('@');
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      if (!USERINFO.test(userinfo) || BAD_ESCAPE.test(userinfo)) return null;
    }
    const parsedHost = parseGoHost(authority.slice(at + 1));
    if (parsedHost === null) return null;
    host = parsedHost;
  }
  if (BAD_ESCAPE.test(rest)) return null;
  return { scheme, host, path: safeDecode(rest) };
}

function hasControlChar(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function parseGoHost(host: string): string | null {
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0 || !isValidOptionalPort(host.slice(close + 1))) return null;
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0 && !isValidOptionalPort(host.slice(colon))) return null;
  }
  if (BAD_ESCAPE.test(host) || BAD_HOST_CHAR.test(host)) return null;
  return safeDecode(host);
}

function isValidOptionalPort(port: string): boolean {
  return port === '' || /^:\d*$/.test(port);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

// ---------------------------------------------------------------------------
// govalidator's URL pattern: scheme? userinfo@? host .? :port? path?

const SCHEME_PREFIX = /^(?:ftp|tcp|udp|wss?|https?):\/\//;
const NOT_SPACE_RUN = /^[^\t\n\f\r ]+$/;
const PATH_CHARS = /^[^\t\n\f\r ]*$/;
const PORT_SUFFIX = /:\d{1,5}$/;
const HOST_CHARS = /^[a-zA-Z0-9\-_.\u00a1-\uffff]+$/u;

const OCTET_FIRST = '(?:[1-9]\\d?|1\\d\\d|2[01]\\d|22[0-3]|24\\d|25[0-5])';
const OCTET_REST = '(?:\\d{1,2}|1\\d\\d|2[0-4]\\d|25[0-5])';
const URL_IPV4 = new RegExp(`^${OCTET_FIRST}(?:\\.${OCTET_REST}){3}$`);

// Name hosts: an optional ASCII head (two shapes) glued to a (unicode) body + TLD.
const HEAD_BEFORE_DOT = /^[a-zA-Z0-9][a-zA-Z0-9\-_]*[a-zA-Z0-9]$/;
const HEAD_AFTER_DOT = /^(?:[-.][a-zA-Z0-9]+)+$/;
const SUBDOMAIN_LEFT = /^[a-zA-Z0-9](?:[-_.]?[a-zA-Z0-9])*[a-zA-Z0-9]$/;
const ALNUM_RUN = /^[a-zA-Z0-9]+$/;
const BODY_AND_TLD = /^[a-zA-Z0-9\u00a1-\uffff]+(?:--?[a-zA-Z0-9\u00a1-\uffff]+)*(?:\.[a-zA-Z\u00a1-\uffff]+)?$/u;

export function matchesUrlPattern(value: string): boolean {
  const starts = [value];
  const scheme = SCHEME_PREFIX.exec(value);
  if (scheme) starts.push(value.slice(scheme[0].length));
  return starts.some(matchesAfterScheme);
}

function matchesAfterScheme(rest: string): boolean {
  // The host starts at 0, or after any "@" that ends a run of non-space characters.
  const hostStarts = [0];
  for (let i = 1; i < rest.length; i++) {
    if (rest[i] === '@' && NOT_SPACE_RUN.test(rest.slice(0, i))) hostStarts.push(i + 1);
  }
  return hostStarts.some((start) => matchesHostPortPath(rest.slice(start)));
}

function matchesHostPortPath(tail: string): boolean {
  const pathAt = tail.search(/[/?#]/);
  const hostPort = pathAt >= 0 ? tail.slice(0, pathAt) : tail;
  if (pathAt >= 0 && !PATH_CHARS.test(tail.slice(pathAt))) return false;
  const candidates = [hostPort];
  if (PORT_SUFFIX.test(hostPort)) candidates.push(hostPort.slice(0, hostPort.lastIndexOf(':')));
  return candidates.some((hp) => isUrlHost(hp) || (hp.endsWith('.') && isUrlHost(hp.slice(0, -1))));
}

function isUrlHost(host: string): boolean {
  if (host === '') return false;
  if (URL_IPV4.test(host)) return true;
  if (host.startsWith('[') && host.endsWith(']')) return isIPv6(host.slice(1, -1));
  if (!HOST_CHARS.test(host)) return false;
  for (let split = 0; split < host.length; split++) {
    if (split > 0 && !isHostHead(host.slice(0, split))) continue;
    if (BODY_AND_TLD.test(host.slice(split))) return true;
  }
  return false;
}

/** The optional part before the body: `label-ish[.-parts]` or a `www.`/`ab.c`-style subdomain. */
function isHostHead(head: string): boolean {
  if (head === 'www.') return true;
  const dot = head.indexOf('.');
  const beforeDot = dot >= 0 ? head.slice(0, dot) : head;
  if (HEAD_BEFORE_DOT.test(beforeDot) && (dot < 0 || HEAD_AFTER_DOT.test(head.slice(dot)))) return true;
  const lastDot = head.lastIndexOf('.');
  return lastDot > 0 && SUBDOMAIN_LEFT.test(head.slice(0, lastDot)) && ALNUM_RUN.test(head.slice(lastDot + 1));
}

// ---------------------------------------------------------------------------
// ozzo-validation's `is.Domain` (as pinned by PocketBase), used for the domain lists of
// email and url fields. Labels are separated by dots, so this pattern cannot backtrack.
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-zA-Z]{1,63}| xn--[a-z0-9]{1,59})$/;

export function isDomainFormat(value: string): boolean {
  return Buffer.byteLength(value) <= 255 && DOMAIN.test(value);
}
