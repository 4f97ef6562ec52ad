// Response headers for served files, as PocketBase sends them. Uploaded content is the
// user's, not ours: only types a browser renders without running anything are shown inline
// (no SVG, no HTML), everything else is an attachment; the sandboxing CSP and `nosniff`
// stop a file from acting as a page of this origin even when it is opened directly.

/** Types shown inline (PocketBase's list); the rest are served as attachments. */
const INLINE_TYPES: ReadonlySet<string> = new Set([
  'image/png', 'image/jpg', 'image/jpeg', 'image/gif', 'image/webp', 'image/x-icon', 'image/bmp',
  'video/webm', 'video/mp4', 'video/3gpp', 'video/quicktime', 'video/x-ms-wmv',
  'audio/basic', 'audio/aiff', 'audio/mpeg', 'audio/midi', 'audio/mp3', 'audio/wave',
  'audio/wav', 'audio/x-wav', 'audio/x-mpeg', 'audio/x-m4a', 'audio/aac',
  'application/pdf', 'application/x-pdf',
]);

/**
 * Content types sent by extension whatever was detected at upload: content sniffing cannot
 * tell these apart from plain text or zip archives, and browsers need the exact type.
 */
const TYPES_BY_EXTENSION: ReadonlyMap<string, string> = new Map([
  ['.svg', 'image/svg+xml'],
  ['.css', 'text/css'],
  ['.js', 'text/javascript'],
  ['.mjs', 'text/javascript'],
  ['.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ['.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ['.pptx', 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
]);

export const FILE_CSP = "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox";

/** 30 days, reusable for one more day while revalidating (PocketBase's default for files). */
const PUBLIC_CACHE = 'max-age=2592000, stale-while-revalidate=86400';
/**
 * Protected files may be kept by the browser, never by a shared cache: a proxy or CDN would
 * go on serving them after the token in the URL has expired.
 */
const PROTECTED_CACHE = `private, ${PUBLIC_CACHE}`;

export interface FileHeadersInput {
  /** The name the client sees (the thumb's name for a thumb). */
  name: string;
  /** The key in the store (its extension decides the overrides). */
  key: string;
  /** The stored content type. */
  contentType: string;
  forceAttachment: boolean;
  protectedFile: boolean;
}

export function fileHeaders(input: FileHeadersInput): Record<string, string> {
  const inline = !input.forceAttachment && INLINE_TYPES.has(input.contentType);
  return {
    'Content-Disposition': `${inline ? 'inline' : 'attachment'}; ${filenameParam(input.name)}`,
    'Content-Type': TYPES_BY_EXTENSION.get(extensionOf(input.key)) ?? (input.contentType || 'application/octet-stream'),
    'Content-Security-Policy': FILE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': input.protectedFile ? PROTECTED_CACHE : PUBLIC_CACHE,
  };
}

function extensionOf(key: string): string {
  const base = key.slice(key.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot).toLowerCase();
}

/**
 * `filename=<name>` as PocketBase writes it for its own (already safe) names; any other name
 * (an imported file with spaces, quotes or non-ASCII letters) is quoted with an ASCII stand-in
 * and given in full as RFC 8187 `filename*`, so the header is always valid.
 */
function filenameParam(name: string): string {
  if (/^[\w.-]+$/.test(name)) return `filename=${name}`;
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Go's strconv.ParseBool, which PocketBase applies to `?download=`: anything else is false. */
export function parseDownloadFlag(raw: string | null): boolean {
  return raw !== null && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(raw);
}
