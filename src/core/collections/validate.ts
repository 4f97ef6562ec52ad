// Validation of a whole collection before it is saved, with PocketBase's error codes,
// messages and keys. It is pure: everything it needs from the database (other
// collections, existing tables and indexes) comes in the context, and rules are checked
// by a hook the caller supplies (the filter engine lives elsewhere).

import type { ErrorData, FieldError } from '../errors/index.js';
import { ValidationError } from '../errors/index.js';
import { parseIndex } from './index-definition.js';
import type { Collection, RuleName } from './model.js';
import { COLLECTION_TYPES } from './collection-input.js';
import { validateAuthOptions } from './validate-auth.js';
import { checkIdentifierLimit, fieldsError } from './validate-fields.js';
import { validateIndexes } from './validate-indexes.js';
import {
  checkLength,
  inError,
  matchError,
  mustBeBlankError,
  requiredError,
  validationError,
  valuesMismatchError,
} from './validation-errors.js';

/** Which rule is being checked, and of what collection. */
export interface RuleCheckInput {
  rule: string;
  collection: Collection;
  /** `listRule`…`deleteRule`, `authRule`, `manageRule` or `mfa.rule`. */
  name: RuleName | 'authRule' | 'manageRule' | 'mfa.rule';
}

export interface CollectionValidationContext {
  /** The stored state of the collection; null when it is being created. */
  original: Collection | null;
  /** Every stored collection (used for uniqueness, references and relation targets). */
  collections: readonly Collection[];
  /** Lower-cased names of every table and view in the database. */
  tables: ReadonlySet<string>;
  /** Index name (lower-cased) → the table it belongs to, for every index in the database. */
  indexOwners: ReadonlyMap<string, string>;
  /** Compiles a rule against the collection; returns its error, or null when it is valid. Unchecked when absent. */
  validateRule?: (input: RuleCheckInput) => FieldError | null;
  /** For views: the error of running the view query, computed by the caller (null when it ran). */
  viewQueryError?: FieldError | null;
  /** Names of the OAuth2 providers the server knows (provider names are not checked when absent). */
  oauth2Providers?: ReadonlySet<string>;
  /**
   * The engine's identifier limit in bytes, when it has one below PocketBase's own limits
   * (PostgreSQL truncates names to 63 bytes, which would merge distinct names).
   */
  maxIdentifierBytes?: number;
}

type Errors = Record<string, FieldError | ErrorData>;

const NAME_PATTERN = /^\w+$/;
const ID_PATTERN = /^\w+$/;

function identifierLimitError(name: string, ctx: CollectionValidationContext): FieldError | null {
  return checkIdentifierLimit(name, ctx.maxIdentifierBytes);
}

function foundVia(value: string): FieldError | null {
  return value.toLowerCase().includes('_via_')
    ? validationError('validation_found_via', 'The value cannot contain "_via_".')
    : null;
}

function idError(c: Collection, ctx: CollectionValidationContext): FieldError | null {
  if (c.id === '') return requiredError();
  if (ctx.original) return c.id === ctx.original.id ? null : valuesMismatchError();
  const length = checkLength(c.id, 1, 100);
  if (length) return length;
  if (!ID_PATTERN.test(c.id)) return matchError();
  if (ctx.collections.some((other) => other.id === c.id)) {
    return validationError('validation_invalid_or_existing_id', 'The model id is invalid or already exists.');
  }
  return null;
}

function nameError(c: Collection, ctx: CollectionValidationContext): FieldError | null {
  const name = c.name;
  if (name === '') return requiredError();
  const length = checkLength(name, 1, 255);
  if (length) return length;
  const via = foundVia(name);
  if (via) return via;
  if (!NAME_PATTERN.test(name)) return matchError();
  const limit = identifierLimitError(name, ctx);
  if (limit) return limit;
  const original = ctx.original;
  if (original?.system && name !== original.name) {
    return validationError('validation_collection_system_name_change', 'System collection name cannot be changed.');
  }
  const lower = name.toLowerCase();
  const isUnique = !ctx.collections.some((other) => other.name.toLowerCase() === lower && other.id !== original?.id);
  if (!isUnique) {
    return validationError('validation_collection_name_exists', 'Collection name must be unique (case insensitive).');
  }
  if (ctx.collections.some((other) => other.id === name)) {
    return validationError('validation_collection_name_id_duplicate', 'The name must not match an existing collection id.');
  }
  const isCollectionName = ctx.collections.some((other) => other.name.toLowerCase() === lower);
  if ((original?.name ?? '') !== name && !isCollectionName && ctx.tables.has(lower)) {
    return validationError('validation_collection_name_invalid', "The name shouldn't match with an existing internal table.");
  }
  return null;
}

function typeError(c: Collection, ctx: CollectionValidationContext): FieldError | null {
  const type = c.type as string;
  if (type === '') return requiredError();
  if (!(COLLECTION_TYPES as readonly string[]).includes(type)) return inError();
  if (ctx.original && type !== ctx.original.type) {
    return validationError('validation_collection_type_change', 'Collection type cannot be changed.');
  }
  return null;
}

function sameRule(a: string | null | undefined, b: string | null | undefined): boolean {
  return (a ?? null) === (b ?? null);
}

function ruleChecker(c: Collection, ctx: CollectionValidationContext) {
  return (name: RuleCheckInput['name'], rule: string | null, previous: string | null | undefined): FieldError | null => {
    if (rule !== null && rule !== '' && ctx.validateRule) {
      const e = ctx.validateRule({ rule, collection: c, name });
      if (e) return e;
    }
    if (ctx.original?.system && !sameRule(rule, previous)) {
      return validationError('validation_collection_system_rule_change', 'System collection API rule cannot be changed.');
    }
    return null;
  };
}

function indexNameLimitError(c: Collection, ctx: CollectionValidationContext): ErrorData | null {
  for (const [i, raw] of c.indexes.entries()) {
    const limit = identifierLimitError(parseIndex(raw).indexName, ctx);
    if (limit) return { [String(i)]: limit };
  }
  return null;
}

const RULES: readonly RuleName[] = ['listRule', 'viewRule', 'createRule', 'updateRule', 'deleteRule'];

/** Every error of `c`, keyed like PocketBase's collection validation; null when valid. */
export function collectCollectionErrors(c: Collection, ctx: CollectionValidationContext): ErrorData | null {
  const errors: Errors = {};
  const put = (key: string, e: FieldError | ErrorData | null): void => {
    if (e) errors[key] = e;
  };

  put('id', idError(c, ctx));
  if (ctx.original && c.system !== ctx.original.system) {
    put('system', validationError('validation_collection_system_flag_change', 'System collection state cannot be changed.'));
  }
  put('type', typeError(c, ctx));
  put('name', nameError(c, ctx));
  put('fields', fieldsError(c, ctx));

  const check = ruleChecker(c, ctx);
  for (const rule of RULES) {
    const mustBeNil = c.type === 'view' && (rule === 'createRule' || rule === 'updateRule' || rule === 'deleteRule');
    put(rule, mustBeNil && c[rule] !== null ? mustBeBlankError() : check(rule, c[rule], ctx.original?.[rule]));
  }
  put('indexes', validateIndexes(c, ctx) ?? indexNameLimitError(c, ctx));

  if (c.type === 'auth') {
    const authErrors = validateAuthOptions(c, {
      original: ctx.original,
      oauth2Providers: ctx.oauth2Providers,
      checkRule: check,
    });
    if (authErrors) Object.assign(errors, authErrors);
  } else if (c.type === 'view') {
    put('viewQuery', (c.viewQuery ?? '') === '' ? requiredError() : (ctx.viewQueryError ?? null));
  }
  return Object.keys(errors).length > 0 ? errors : null;
}

/** Throws a ValidationError carrying every error of `c`. */
export function validateCollection(c: Collection, ctx: CollectionValidationContext): void {
  const errors = collectCollectionErrors(c, ctx);
  if (errors) throw new ValidationError(errors);
}
