// `{:name}` placeholders in filters written by extension code, replaced by literals of the
// filter language before parsing. Values are never spliced in as syntax: strings become
// quoted text, numbers and booleans their literal, null `null`.
import { badRequest } from '../errors/index.js';

const PLACEHOLDER = /\{:([A-Za-z_][A-Za-z0-9_]*)\}/g;

export type FilterParams = Record<string, string | number | boolean | null>;

export function bindFilterParams(filter: string, params: FilterParams = {}): string {
  return filter.replace(PLACEHOLDER, (_whole, name: string) => {
    if (!(name in params)) throw badRequest(`Missing filter parameter "${name}".`);
    return literal(params[name]!, name);
  });
}

function literal(value: string | number | boolean | null, name: string): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw badRequest(`Filter parameter "${name}" is not a finite number.`);
    return String(value);
  }
  // The filter language has no escape for a backslash before the closing quote.
  if (value.endsWith('\\')) throw badRequest(`Filter parameter "${name}" cannot end with a backslash.`);
  return `"${value.replaceAll('"', '\\"')}"`;
}
