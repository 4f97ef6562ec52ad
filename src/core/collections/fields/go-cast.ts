// Loose conversions with the semantics PocketBase applies when a record value is set:
// it is written in Go and casts whatever arrives (JSON values, form strings, raw
// database text) with permissive rules. Matching those rules here is what makes the
// same request body produce the same stored value on both servers.

/**
 * Go's `%v` formatting of a float64, as PocketBase's message templates render numbers:
 * shortest digits, exponent form when the decimal exponent is < -4 or >= 6
 * (e.g. "Must be greater or equal than 1e+06").
 */
export function formatGoFloatV(n: number): string {
  if (!Number.isFinite(n) || n === 0) return formatGoFloatF(n);
  const [mantissa = '0', expText = '0'] = n.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const abs = Math.abs(exp);
    return `${mantissa}e${exp < 0 ? '-' : '+'}${abs < 10 ? `0${abs}` : abs}`;
  }
  return formatGoFloatF(n);
}

/** Go's `strconv.FormatFloat(f, 'f', -1, 64)`: shortest digits, never an exponent. */
export function formatGoFloatF(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  const text = String(n);
  if (!/e/i.test(text)) return text;
  const negative = n < 0;
  const [mantissa = '0', expText = '0'] = Math.abs(n).toExponential().split('e');
  const exp = Number(expText);
  const digits = mantissa.replace('.', '');
  let out: string;
  if (exp >= 0) {
    out = digits.length > exp + 1 ? `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}` : digits.padEnd(exp + 1, '0');
  } else {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return negative ? `-${out}` : out;
}

/** `cast.ToString`: scalars to text, everything else (objects, arrays) to ''. */
export function goToString(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return formatGoFloatF(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : goTimeString(value);
      return '';
  }
}

/** Go's `time.Time.String()` for a UTC time: `2006-01-02 15:04:05.999999999 +0000 UTC`. */
export function goTimeString(date: Date): string {
  const iso = date.toISOString(); // 2006-01-02T15:04:05.000Z
  const base = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  const ms = iso.slice(20, 23).replace(/0+$/, '');
  return `${base}${ms ? `.${ms}` : ''} +0000 UTC`;
}

/** Go's `time.Time` JSON form (RFC 3339 with trimmed fractional seconds). */
export function goTimeJson(date: Date): string {
  const iso = date.toISOString();
  const ms = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 19)}${ms ? `.${ms}` : ''}Z`;
}

const DECIMAL_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITY_WORD = /^([+-]?)(?:inf|infinity)$/i;

/** Go's `strconv.ParseFloat(s, 64)`; null when Go would report an error. */
export function goParseFloat(text: string): number | null {
  if (DECIMAL_FLOAT.test(text)) {
    const n = Number(text);
    // Go reports out-of-range values as errors (and cast then falls back to 0).
    return Number.isFinite(n) ? n : null;
  }
  const inf = INFINITY_WORD.exec(text);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(text)) return NaN;
  return null;
}

/** `cast.ToFloat64`: numbers as they are, bools as 1/0, parseable strings, else 0. */
export function goToFloat(value: unknown): number {
  switch (typeof value) {
    case 'number':
      return value;
    case 'bigint':
      return Number(value);
    case 'boolean':
      return value ? 1 : 0;
    case 'string':
      return value === '' ? 0 : (goParseFloat(value) ?? 0);
    default:
      return 0;
  }
}

/** Go's `strconv.ParseBool`; null on a syntax error. */
export function goParseBool(text: string): boolean | null {
  switch (text) {
    case '1':
    case 't':
    case 'T':
    case 'true':
    case 'TRUE':
    case 'True':
      return true;
    case '0':
    case 'f':
    case 'F':
    case 'false':
    case 'FALSE':
    case 'False':
      return false;
    default:
      return null;
  }
}

/** `cast.ToBool`: non-zero numbers, ParseBool-able strings; anything else is false. */
export function goToBool(value: unknown): boolean {
  switch (typeof value) {
    case 'boolean':
      return value;
    case 'number':
      return value !== 0 && !Number.isNaN(value);
    case 'bigint':
      return value !== 0n;
    case 'string':
      return goParseBool(value) ?? false;
    default:
      return false;
  }
}

/** Removes empty strings and repeats, keeping first occurrences in order. */
export function nonzeroUniques(list: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const item of list) {
    if (item === '' || seen.has(item)) continue;
    seen.add(item);
    out.push(item);
  }
  return out;
}

/**
 * PocketBase's `list.ToUniqueStringSlice`: a multi-value input (array, JSON array text,
 * or a single string) to a list of distinct non-empty strings.
 */
export function toUniqueStringSlice(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return nonzeroUniques(stringToSlice(value));
  if (Array.isArray(value)) return nonzeroUniques(value.map(arrayItemToString));
  if (typeof value === 'object' && !(value instanceof Uint8Array) && !(value instanceof Date)) return [];
  // Other scalars become a one-item list of their text form.
  return nonzeroUniques([goToString(value)]);
}

// Items of a JSON array that are not scalars become '' (and are then dropped).
function arrayItemToString(item: unknown): string {
  return goToString(item);
}

function stringToSlice(text: string): string[] {
  if (text === '') return [];
  if (!text.includes('[')) return [text];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [text];
  }
  if (!Array.isArray(parsed)) return [text];
  // Go decodes what it can; a non-string item is a type error that leaves '' in its
  // slot and makes the caller keep the whole text as one more value.
  let typeError = false;
  const items = parsed.map((item: unknown) => {
    if (typeof item === 'string') return item;
    if (item !== null) typeError = true;
    return '';
  });
  if (typeError) items.push(text);
  return items;
}
