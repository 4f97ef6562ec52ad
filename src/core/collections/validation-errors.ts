// Field errors with the codes and messages PocketBase's validators produce. Messages are
// full sentences (capitalised, ending with a period) because that is how PocketBase
// renders them in API error bodies; `{{.name}}` placeholders are filled from params.

import { fieldError, type FieldError } from '../errors/index.js';

/** Capitalises the first letter and ends the text with a period (unless it ends in . ? !). */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  const capitalised = trimmed[0]?.toUpperCase() + trimmed.slice(1);
  return /[.?!]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

/** An error whose message may hold `{{.param}}` placeholders filled from `params`. */
export function validationError(code: string, message: string, params?: Record<string, unknown>): FieldError {
  const rendered = params
    ? message.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_, key: string) => String(params[key] ?? ''))
    : message;
  return params && Object.keys(params).length > 0
    ? fieldError(code, sentence(rendered), params)
    : fieldError(code, sentence(rendered));
}

export const requiredError = (): FieldError => validationError('validation_required', 'cannot be blank');
export const nilOrNotEmptyError = (): FieldError =>
  validationError('validation_nil_or_not_empty_required', 'cannot be blank');
export const mustBeBlankError = (): FieldError => validationError('validation_nil', 'must be blank');
export const matchError = (): FieldError => validationError('validation_match_invalid', 'must be in a valid format');
export const inError = (): FieldError => validationError('validation_in_invalid', 'must be a valid value');
export const notInError = (): FieldError => validationError('validation_not_in_invalid', 'must not be in list');
export const urlError = (): FieldError => validationError('validation_is_url', 'must be a valid URL');
export const valuesMismatchError = (): FieldError => validationError('validation_values_mismatch', "Values don't match.");

/** The error of a byte-length range check, picking the variant PocketBase's rule picks. */
export function lengthError(min: number, max: number): FieldError {
  const params = { min, max };
  if (min === max) return validationError('validation_length_invalid', 'the length must be exactly {{.min}}', params);
  if (min === 0) return validationError('validation_length_too_long', 'the length must be no more than {{.max}}', params);
  if (max === 0) return validationError('validation_length_too_short', 'the length must be no less than {{.min}}', params);
  return validationError('validation_length_out_of_range', 'the length must be between {{.min}} and {{.max}}', params);
}

/** Checks a string's byte length against [min, max] (0 = unbounded side); null when fine. */
export function checkLength(value: string, min: number, max: number): FieldError | null {
  const length = Buffer.byteLength(value, 'utf8');
  if (length === 0) return null; // emptiness is the required rule's business
  if ((min > 0 && length < min) || (max > 0 && length > max)) return lengthError(min, max);
  return null;
}

export const minError = (threshold: number): FieldError =>
  validationError('validation_min_greater_equal_than_required', 'must be no less than {{.threshold}}', { threshold });
export const maxError = (threshold: number): FieldError =>
  validationError('validation_max_less_equal_than_required', 'must be no greater than {{.threshold}}', { threshold });
