// SQLite's implicit value conversions, computed in JavaScript. The PostgreSQL compiler uses
// them to convert literal parameters exactly as SQLite would at run time, so that both
// engines return the same rows (SQLite is the reference: it is what PocketBase runs on).

const NUMERIC_TEXT = /^[ \t\n\v\f\r]*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[ \t\n\v\f\r]*$/;

/**
 * NUMERIC affinity applied to a text value: the number it spells (surrounding whitespace
 * allowed, no hex), or undefined when SQLite would keep it as text.
 */
export function numericAffinity(text: string): number | undefined {
  if (!NUMERIC_TEXT.test(text)) return undefined;
  return Number(text.trim());
}

/**
 * How SQLite renders a REAL as TEXT: 15 significant digits when they read back as the same
 * double, else 17; plain notation for exponents in [-4, 17), always with a decimal point,
 * two-digit exponents (`5.0`, `0.1`, `1.0e-05`, `1.2345678901234567e+19`). SQLite's own
 * digit generator can differ from the correctly rounded 17th digit used here.
 */
export function sqliteRealText(value: number): string {
  if (Number.isNaN(value)) return '';
  if (!Number.isFinite(value)) return value > 0 ? 'Inf' : '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const short = value.toExponential(14);
  const [mantissa = '0', expText = '0'] = (Number(short) === value ? short : value.toExponential(16)).split('e');
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '').replace(/0+$/, '') || '0';
  const sign = negative ? '-' : '';
  if (exp < -4 || exp >= 17) {
    const frac = digits.slice(1) || '0';
    const expAbs = String(Math.abs(exp)).padStart(2, '0');
    return `${sign}${digits[0]}.${frac}e${exp < 0 ? '-' : '+'}${expAbs}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const fracPart = digits.slice(exp + 1) || '0';
  return `${sign}${intPart}.${fracPart}`;
}

/** How SQLite renders a number that is stored as INTEGER when it is integral (numeric columns). */
export function sqliteNumberText(value: number, isReal: boolean): string {
  if (!isReal && Number.isInteger(value) && Math.abs(value) < 2 ** 63) return BigInt(value).toString();
  return sqliteRealText(value);
}

/**
 * PocketBase's string form of a number (Go's strconv 'f' format, shortest digits, never an
 * exponent): used when a number becomes a LIKE pattern.
 */
export function plainNumberText(value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : Number.isNaN(value) ? 'NaN' : '-Inf';
  const text = String(value);
  if (!text.includes('e')) return text;
  const [mantissa = '0', expText = '0'] = value.toExponential().split('e');
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  return `${sign}${digits.padEnd(exp + 1, '0')}`;
}

/** SQLite's LOWER without ICU: ASCII letters only. */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}
