// Collection rules are checked when a collection is saved: each must compile against the
// collection as it will be stored, or the save fails with PocketBase's `validation_invalid_rule`.
import { fieldError, isAppError, type FieldError } from '../errors/index.js';
import type { RuleCheckInput } from '../collections/index.js';
import type { AccessCompiler } from './access.js';

export function ruleValidator(access: AccessCompiler) {
  return (input: RuleCheckInput): FieldError | null => {
    try {
      access.checkRule(input.collection, input.rule);
      return null;
    } catch (err) {
      const detail = isAppError(err) && err.cause instanceof Error ? err.cause.message : 'invalid expression';
      return fieldError('validation_invalid_rule', `Invalid rule. Raw error: ${detail}`);
    }
  };
}
