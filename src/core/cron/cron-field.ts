// One field of a cron expression (minute, hour, day of month, month, day of week): its
// text turned into the set of values it allows. Parsing is strict on purpose: a schedule
// that silently means something other than what was typed runs jobs at the wrong time,
// which is worse than refusing it when it is registered.
import { AppError } from '../errors/index.js';

/** Thrown for an expression that cannot be parsed; the message names the offending field. */
export class CronSyntaxError extends AppError {
  /** The field at fault (`minute`, `hour`, ...), or `expression` for the whole text. */
  readonly field: string;

  constructor(field: string, message: string) {
    super('bad_request', message);
    this.name = 'CronSyntaxError';
    this.field = field;
  }
}

export interface FieldSpec {
  readonly name: 'minute' | 'hour' | 'day-of-month' | 'month' | 'day-of-week';
  readonly min: number;
  readonly max: number;
  /** Names accepted in place of numbers (upper case), mapped to their value. */
  readonly names?: Readonly<Record<string, number>>;
  /** Folds an accepted value onto the canonical one (day of week: 7 is Sunday, 0). */
  readonly fold?: (value: number) => number;
}

export interface ParsedField {
  /** `allowed[v]` is true when value `v` matches. */
  readonly allowed: readonly boolean[];
  /**
   * False when the field's text starts with `*` (`*`, `*\/n`). Classic cron uses this,
   * not the resulting set, to decide how day of month and day of week combine.
   */
  readonly restricted: boolean;
}

export function parseField(text: string, spec: FieldSpec): ParsedField {
  const allowed = new Array<boolean>(spec.max + 1).fill(false);
  for (const part of text.split(',')) {
    for (const value of expandPart(part, spec)) allowed[spec.fold ? spec.fold(value) : value] = true;
  }
  return { allowed, restricted: !text.startsWith('*') };
}

function expandPart(part: string, spec: FieldSpec): number[] {
  if (part === '') throw fieldError(spec, 'has an empty list item');
  const slash = part.split('/');
  if (slash.length > 2) throw fieldError(spec, `has more than one "/" in "${part}"`);
  const [rangeText = '', stepText] = slash;
  const step = stepText === undefined ? 1 : parseStep(stepText, spec);
  let from: number;
  let to: number;
  if (rangeText === '*') {
    from = spec.min;
    to = spec.max;
  } else {
    const dash = rangeText.split('-');
    if (dash.length > 2) throw fieldError(spec, `has a malformed range "${rangeText}"`);
    from = parseValue(dash[0] ?? '', spec);
    to = dash.length === 2 ? parseValue(dash[1] ?? '', spec) : from;
    if (from > to) throw fieldError(spec, `has a range "${rangeText}" whose start is after its end`);
    // "5/15" means different things to different crons; refusing it avoids guessing.
    if (stepText !== undefined && dash.length === 1) {
      throw fieldError(spec, `has a step on a single value "${part}" (use "*/n" or "a-b/n")`);
    }
  }
  const values: number[] = [];
  for (let v = from; v <= to; v += step) values.push(v);
  return values;
}

function parseStep(text: string, spec: FieldSpec): number {
  if (!/^\d+$/.test(text)) throw fieldError(spec, `has an invalid step "${text}"`);
  const step = Number(text);
  if (step < 1) throw fieldError(spec, 'has a step of 0');
  return step;
}

function parseValue(text: string, spec: FieldSpec): number {
  const named = spec.names?.[text.toUpperCase()];
  if (named !== undefined) return named;
  if (!/^\d+$/.test(text)) throw fieldError(spec, `has an invalid value "${text}"`);
  const value = Number(text);
  if (value < spec.min || value > spec.max) {
    throw fieldError(spec, `value ${value} is out of range ${spec.min}-${spec.max}`);
  }
  return value;
}

function fieldError(spec: FieldSpec, problem: string): CronSyntaxError {
  return new CronSyntaxError(spec.name, `Invalid cron ${spec.name} field: ${problem}.`);
}
