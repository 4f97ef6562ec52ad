// The `fields` query parameter: keeps only the listed keys of a JSON response (nested with
// dots, `*` for "everything at this level", `:excerpt(max, withEllipsis)` on a value).
// For list results it applies to each item rather than to the envelope.
import { badRequest } from '../errors/index.js';
import { excerpt } from './excerpt.js';

type Modifier = (value: unknown) => unknown;
type FieldMap = Map<string, Modifier | null>;

const MAX_FIELDS_LENGTH = 4096;

export function parseFieldsParam(raw: string): FieldMap {
  if (raw.length > MAX_FIELDS_LENGTH) throw badRequest('The fields parameter is too long.');
  const result: FieldMap = new Map();
  for (const item of splitTopLevel(raw, ',')) {
    const trimmed = item.trim();
    if (trimmed === '') continue;
    const colon = trimmed.indexOf(':');
    if (colon === -1) {
      result.set(trimmed, null);
    } else {
      result.set(trimmed.slice(0, colon), parseModifier(trimmed.slice(colon + 1)));
    }
  }
  return result;
}

/** Splits on `sep` outside parentheses and quotes. */
function splitTopLevel(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let current = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '(') {
      depth++;
    } else if (ch === ')') {
      depth = Math.max(0, depth - 1);
    } else if (ch === sep && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts;
}

function parseModifier(raw: string): Modifier {
  const match = /^\s*(\w+)\s*(?:\((.*)\))?\s*$/s.exec(raw);
  if (!match) throw badRequest(`Invalid fields modifier "${raw}".`);
  const [, name, argText = ''] = match;
  const args = splitTopLevel(argText, ',').map((a) => a.trim().replace(/^(['"])(.*)\1$/, '$2')).filter((a) => a !== '');
  if (name !== 'excerpt') throw badRequest(`Missing or invalid fields modifier "${name}".`);
  if (args.length === 0 || args.length > 2) throw badRequest('The excerpt modifier expects (max, withEllipsis?).');
  const max = Math.trunc(Number(args[0]));
  if (!Number.isFinite(max) || max <= 0) throw badRequest('The excerpt max argument must be > 0.');
  const withEllipsis = args[1] !== undefined && ['1', 't', 'true'].includes(args[1].toLowerCase());
  return (value) => (typeof value === 'string' ? excerpt(value, max, withEllipsis) : value);
}

/** Picks fields from a JSON-ready value. `isListResult` applies the pick to `items`. */
export function pickFields(data: unknown, fields: FieldMap, isListResult: boolean): unknown {
  if (fields.size === 0) return data;
  if (isListResult && isObject(data)) {
    return { ...data, items: pickValue(data.items, fields) };
  }
  return pickValue(data, fields);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function pickValue(value: unknown, fields: FieldMap): unknown {
  if (Array.isArray(value)) {
    if (value.length === 0 || !isObject(value[0])) return value;
    return value.map((item) => (isObject(item) ? pickObject(item, fields) : item));
  }
  return isObject(value) ? pickObject(value, fields) : value;
}

function pickObject(data: Record<string, unknown>, input: FieldMap): Record<string, unknown> {
  const fields = new Map(input);
  const star = fields.get('*');
  if (fields.has('*')) {
    for (const key of Object.keys(data)) {
      const covered = [...fields.keys()].some((f) => (f + '.').startsWith(key + '.'));
      if (!covered) fields.set(key, star ?? null);
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(data)) {
    const nested: FieldMap = new Map();
    let whole = false;
    let modifier: Modifier | null = null;
    for (const [f, m] of fields) {
      if (f === key) {
        whole = true;
        modifier = m;
        break;
      }
      if (f.startsWith(key + '.')) nested.set(f.slice(key.length + 1), m);
    }
    if (whole) {
      out[key] = modifier ? modifier(data[key]) : data[key];
    } else if (nested.size > 0) {
      out[key] = pickValue(data[key], nested);
    }
  }
  return out;
}
