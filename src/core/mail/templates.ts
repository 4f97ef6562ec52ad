// Rendering of the auth mails from a collection's email templates, with PocketBase's
// placeholders: {APP_NAME}, {APP_URL}, {TOKEN}, {OTP}, {OTP_ID}, {ALERT_INFO} and
// {RECORD:<field>} for every visible field of the auth record. Field values are
// HTML-escaped (except dates, booleans and numbers, which cannot carry markup) because
// the body is HTML; the rendered body is wrapped in the same minimal layout PocketBase uses.
import type { EmailTemplate, Field } from '../collections/model.js';
import type { RecordModel } from '../records/record.js';

export const PLACEHOLDERS = {
  appName: '{APP_NAME}',
  appUrl: '{APP_URL}',
  token: '{TOKEN}',
  otp: '{OTP}',
  otpId: '{OTP_ID}',
  alertInfo: '{ALERT_INFO}',
} as const;

const UNESCAPED_TYPES: ReadonlySet<Field['type']> = new Set(['autodate', 'date', 'bool', 'number']);

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!);
}

/** A field value as a placeholder string (strings as they are, other scalars printed, the rest as JSON). */
function valueText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export interface RenderContext {
  appName: string;
  appUrl: string;
  record: RecordModel;
  /** Extra placeholders for this mail ({TOKEN}, {OTP}, …), already escaped where needed. */
  values: Record<string, string>;
}

/** Every placeholder of one mail, the mail's own values first (they win over record fields). */
export function placeholderValues(ctx: RenderContext): Map<string, string> {
  const out = new Map<string, string>(Object.entries(ctx.values));
  if (!out.has(PLACEHOLDERS.appName)) out.set(PLACEHOLDERS.appName, ctx.appName);
  if (!out.has(PLACEHOLDERS.appUrl)) out.set(PLACEHOLDERS.appUrl, ctx.appUrl);
  for (const field of ctx.record.collection.fields) {
    if (field.hidden) continue;
    const key = `{RECORD:${field.name}}`;
    if (out.has(key)) continue;
    const text = valueText(ctx.record.values[field.name]);
    out.set(key, UNESCAPED_TYPES.has(field.type) ? text : escapeHtml(text));
  }
  return out;
}

/**
 * Replaces placeholders in one pass, so a value that itself looks like a placeholder
 * (a user named "{TOKEN}") is never expanded a second time.
 */
export function resolvePlaceholders(text: string, values: Map<string, string>): string {
  if (values.size === 0) return text;
  const keys = [...values.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const pattern = new RegExp(keys.join('|'), 'g');
  return text.replace(pattern, (match) => values.get(match) ?? match);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface RenderedMail {
  subject: string;
  html: string;
}

export function renderTemplate(template: EmailTemplate, ctx: RenderContext): RenderedMail {
  const values = placeholderValues(ctx);
  const subject = resolvePlaceholders(template.subject, values);
  const body = resolvePlaceholders(template.body, values);
  return { subject, html: wrapInLayout(body) };
}

// The same plain, inline-styled page PocketBase wraps every mail in, so mails look alike.
function wrapInLayout(content: string): string {
  return `<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<meta name="viewport" content="width=device-width,initial-scale=1" />
<style>
body, html { padding: 0; margin: 0; border: 0; color: #16161a; background: #fff; font-size: 14px; line-height: 20px; font-family: Source Sans Pro, sans-serif, emoji; }
body { padding: 20px 30px; }
p { display: block; margin: 10px 0; }
a { color: inherit; }
.btn { display: inline-block; color: #fff !important; background: #16161a !important; text-decoration: none !important; line-height: 40px; min-width: 150px; text-align: center; padding: 0 20px; margin: 5px 0; font-weight: bold; border-radius: 6px; }
</style>
</head>
<body>
${content}
</body>
</html>
`;
}
