// Date macros (`@now`, `@todayStart`, …), computed from the injected clock in UTC. Date
// macros are PocketBase datetime strings; the calendar parts are integers.
import type { Clock } from '../lib/clock.js';
import { formatDateTime } from '../lib/dates.js';

export interface MacroValue {
  readonly value: string | number;
  readonly integer: boolean;
}

type MacroFn = (now: Date) => MacroValue;

const text = (date: Date): MacroValue => ({ value: formatDateTime(date), integer: false });
const int = (value: number): MacroValue => ({ value, integer: true });
/** Midnight (or the last millisecond, with `end`) of a UTC calendar day; day 0 is the last day of the previous month. */
const utcDay = (y: number, m: number, d: number, end = false) => new Date(Date.UTC(y, m, d, end ? 23 : 0, end ? 59 : 0, end ? 59 : 0, end ? 999 : 0));
const addDays = (date: Date, days: number) => new Date(date.getTime() + days * 86_400_000);

const MACROS: Readonly<Record<string, MacroFn>> = {
  '@now': (now) => text(now),
  '@yesterday': (now) => text(addDays(now, -1)),
  '@tomorrow': (now) => text(addDays(now, 1)),
  '@second': (now) => int(now.getUTCSeconds()),
  '@minute': (now) => int(now.getUTCMinutes()),
  '@hour': (now) => int(now.getUTCHours()),
  '@day': (now) => int(now.getUTCDate()),
  '@month': (now) => int(now.getUTCMonth() + 1),
  '@weekday': (now) => int(now.getUTCDay()),
  '@year': (now) => int(now.getUTCFullYear()),
  '@todayStart': (now) => text(utcDay(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())),
  '@todayEnd': (now) => text(utcDay(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), true)),
  '@monthStart': (now) => text(utcDay(now.getUTCFullYear(), now.getUTCMonth(), 1)),
  '@monthEnd': (now) => text(utcDay(now.getUTCFullYear(), now.getUTCMonth() + 1, 0, true)),
  '@yearStart': (now) => text(utcDay(now.getUTCFullYear(), 0, 1)),
  '@yearEnd': (now) => text(utcDay(now.getUTCFullYear(), 11, 31, true)),
};

/** The macro's value, or undefined when `name` is not a macro. */
export function resolveMacro(name: string, clock: Clock): MacroValue | undefined {
  const fn = Object.hasOwn(MACROS, name) ? MACROS[name] : undefined;
  return fn ? fn(clock.now()) : undefined;
}

export const MACRO_NAMES: readonly string[] = Object.keys(MACROS);
