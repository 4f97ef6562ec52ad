// Five-field cron expressions (minute hour day-of-month month day-of-week) and the @macros,
// evaluated in UTC so a schedule means the same thing on every node whatever its time zone.
import { CronSyntaxError, parseField, type FieldSpec, type ParsedField } from './cron-field.js';

export { CronSyntaxError } from './cron-field.js';

const MINUTE_MS = 60_000;
/**
 * `next()` gives up beyond this. Real gaps are long only for 29 February: 8 years across
 * 2100, and a few decades when a day-of-week step must also hold (29 February on a Sunday). Whole
 * months are skipped at once, so searching this far stays cheap.
 */
const SEARCH_LIMIT_MS = 100 * 366 * 24 * 60 * MINUTE_MS;

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
/** The most days each month can have (February: in a leap year). */
const MAX_DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: Object.fromEntries(MONTH_NAMES.map((n, i) => [n, i + 1])) },
  { name: 'day-of-week', min: 0, max: 7, names: Object.fromEntries(DAY_NAMES.map((n, i) => [n, i])), fold: (v) => v % 7 },
];

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

export class CronExpression {
  /** The text this was parsed from, as given (trimmed). */
  readonly source: string;
  private readonly minute: ParsedField;
  private readonly hour: ParsedField;
  private readonly dayOfMonth: ParsedField;
  private readonly month: ParsedField;
  private readonly dayOfWeek: ParsedField;

  constructor(source: string, fields: readonly ParsedField[]) {
    this.source = source;
    [this.minute, this.hour, this.dayOfMonth, this.month, this.dayOfWeek] = fields as [
      ParsedField,
      ParsedField,
      ParsedField,
      ParsedField,
      ParsedField,
    ];
  }

  /** True when the minute `date` falls in (UTC; seconds ignored) is one this expression selects. */
  matches(date: Date): boolean {
    return (
      this.minute.allowed[date.getUTCMinutes()] === true &&
      this.hour.allowed[date.getUTCHours()] === true &&
      this.month.allowed[date.getUTCMonth() + 1] === true &&
      this.dayMatches(date)
    );
  }

  /** The first whole minute strictly after `after` that matches. */
  next(after: Date): Date {
    const limit = after.getTime() + SEARCH_LIMIT_MS;
    // Skip whole months, days and hours that cannot match instead of walking minute by
    // minute: a yearly schedule is found in a few dozen steps.
    let t = new Date(Math.floor(after.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS);
    while (t.getTime() <= limit) {
      const [y, mo, d, h] = [t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate(), t.getUTCHours()];
      if (!this.month.allowed[mo + 1]) t = new Date(Date.UTC(y, mo + 1, 1));
      else if (!this.dayMatches(t)) t = new Date(Date.UTC(y, mo, d + 1));
      else if (!this.hour.allowed[h]) t = new Date(Date.UTC(y, mo, d, h + 1));
      else if (!this.minute.allowed[t.getUTCMinutes()]) t = new Date(t.getTime() + MINUTE_MS);
      else return t;
    }
    // parseCron refuses expressions that can never match, so this means a bug, not bad input.
    throw new Error(`cron expression "${this.source}" has no match within ${SEARCH_LIMIT_MS / MINUTE_MS} minutes`);
  }

  private dayMatches(date: Date): boolean {
    const dom = this.dayOfMonth.allowed[date.getUTCDate()] === true;
    const dow = this.dayOfWeek.allowed[date.getUTCDay()] === true;
    // Classic cron: when both day fields are restricted, either one matching is enough.
    if (this.dayOfMonth.restricted && this.dayOfWeek.restricted) return dom || dow;
    return dom && dow;
  }

  /** False when the only days selected are ones no selected month has ("0 0 30 2 *"). */
  canEverMatch(): boolean {
    // A restricted day of week either adds days (OR) or pairs with a "*" day of month that
    // includes the 1st, and every month's 1st falls on every weekday sooner or later.
    if (this.dayOfWeek.restricted) return true;
    for (let m = 1; m <= 12; m++) {
      if (!this.month.allowed[m]) continue;
      for (let d = 1; d <= (MAX_DAYS_IN_MONTH[m - 1] ?? 31); d++) if (this.dayOfMonth.allowed[d]) return true;
    }
    return false;
  }
}

/** Parses a five-field expression or an @macro; throws CronSyntaxError naming the bad field. */
export function parseCron(expr: string): CronExpression {
  const source = expr.trim();
  const text = source.startsWith('@') ? MACROS[source.toLowerCase()] : source;
  if (text === undefined) {
    throw new CronSyntaxError('expression', `Invalid cron expression: unknown macro "${source}".`);
  }
  const parts = text.split(/\s+/).filter((p) => p !== '');
  if (parts.length !== FIELDS.length) {
    throw new CronSyntaxError(
      'expression',
      `Invalid cron expression: expected 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}.`,
    );
  }
  const fields = FIELDS.map((spec, i) => parseField(parts[i] ?? '', spec));
  const expression = new CronExpression(source, fields);
  if (!expression.canEverMatch()) {
    throw new CronSyntaxError('day-of-month', 'Invalid cron day-of-month field: no selected month has that day.');
  }
  return expression;
}
