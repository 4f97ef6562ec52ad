// Collection rules are checked when a collection is saved: each must compile against the
// collection as it will be stored, or the save fails with PocketBase's `validation_invalid_rule`.
import { fieldError, isAppError, type FieldError } from '../errors/index.js';
import type { RuleCheckInput } from '../collections/index.js';
import type { AccessCompiler } from './access.js';
import type { CollectionRegistry } from '../records/service.js';
import type { RequestInfo } from './request-info.js';

const EMPTY_REQUEST: RequestInfo = { auth: null, isSuperuser: false, method: 'GET', query: {}, headers: {}, body: {}, context: 'default' };

export function ruleValidator(registry: CollectionRegistry, access: AccessCompiler) {
  return (input: RuleCheckInput): FieldError | null => {
    void registry;
    for (const dialect of ['sqlite', 'postgres'] as const) {
      try {
        access.compile({ collection: input.collection, request: EMPTY_REQUEST, rules: [input.rule] }, dialect);
      } catch (err) {
        const detail = isAppError(err) && err.cause instanceof Error ? err.cause.message : 'invalid expression';
        return fieldError('validation_invalid_rule', `Invalid rule. Raw error: ${detail}`);
      }
    }
    return null;
  };
}
