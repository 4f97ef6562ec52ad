// Field errors exactly as PocketBase sends them: its validators produce a code and a
// lower-case message template, and its API layer renders the template and "sentenizes"
// the result (capital first letter, trailing period). We build the final form here so
// every caller gets the same text PocketBase would send.
import { fieldError, type FieldError } from '../../errors/index.js';
import { formatGoFloatV } from './go-cast.js';

/** Capitalises the first letter and ends the text with a period (unless it ends with . ? !). */
export function sentenize(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  const first = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.?!]$/.test(first) ? first : `${first}.`;
}

/** Renders a Go-template-style message (`{{.name}}`) the way Go prints the values. */
function render(template: string, params: Record<string, unknown>): string {
  return template.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_, key: string) => formatParam(params[key]));
}

// Integers print as integers (Go's int params); other numbers as Go prints a float64.
// Float params that happen to be whole numbers are rendered by the caller (see `display`).
function formatParam(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : formatGoFloatV(value);
  if (Array.isArray(value)) return `[${value.map(formatParam).join(' ')}]`;
  if (value === null || value === undefined) return '<no value>';
  return String(value);
}

/**
 * A FieldError with PocketBase's final message. `display` overrides how a param is
 * rendered in the message (e.g. Go prints times differently from their JSON form).
 */
export function err(
  code: string,
  template: string,
  params?: Record<string, unknown>,
  display?: Record<string, unknown>,
): FieldError {
  const message = sentenize(params ? render(template, { ...params, ...display }) : template);
  return fieldError(code, message, params);
}

// Errors shared by several validators (ozzo-validation's built-in rules).
export const required = (): FieldError => err('validation_required', 'cannot be blank');
export const mustBeBlank = (): FieldError => err('validation_empty', 'must be blank');
export const unsupportedValueType = (): FieldError =>
  err('validation_unsupported_value_type', 'Invalid or unsupported value type.');
export const minThreshold = (threshold: number): FieldError =>
  err('validation_min_greater_equal_than_required', 'must be no less than {{.threshold}}', { threshold });
export const maxThreshold = (threshold: number): FieldError =>
  err('validation_max_less_equal_than_required', 'must be no greater than {{.threshold}}', { threshold });
export const matchInvalid = (): FieldError => err('validation_match_invalid', 'must be in a valid format');
export const notInInvalid = (): FieldError => err('validation_not_in_invalid', 'must not be in list');
export const valuesMismatch = (): FieldError => err('validation_values_mismatch', "Values don't match.");
export const invalidDomain = (): FieldError => err('validation_is_domain', 'must be a valid domain');

/** ozzo-validation's Length(min, max) messages (both bounds are always sent as params). */
export function lengthError(min: number, max: number): FieldError {
  const params = { min, max };
  if (min === 0 && max > 0) return err('validation_length_too_long', 'the length must be no more than {{.max}}', params);
  if (min > 0 && max === 0) return err('validation_length_too_short', 'the length must be no less than {{.min}}', params);
  if (min > 0 && min === max) return err('validation_length_invalid', 'the length must be exactly {{.min}}', params);
  if (min > 0 && max > 0) {
    return err('validation_length_out_of_range', 'the length must be between {{.min}} and {{.max}}', params);
  }
  return err('validation_length_empty_required', 'the value must be empty', params);
}
