// Validation of a collection's index list: every statement parses, names are unique (also
// across other tables), definitions are not repeated, unique indexes over system fields
// survive an update, and auth collections keep unique indexes on tokenKey and email.

import type { ErrorData, FieldError } from '../errors/index.js';
import { buildIndex, cloneIndex, findSingleColumnUniqueIndex, isValidIndex, parseIndex } from './index-definition.js';
import type { Collection } from './model.js';
import { FIELD_EMAIL, FIELD_TOKEN_KEY } from './names.js';
import { validationError } from './validation-errors.js';

export interface IndexValidationContext {
  original: Collection | null;
  /** Index name (lower-cased) → the table it belongs to, for every index in the database. */
  indexOwners: ReadonlyMap<string, string>;
}

const at = (i: number, error: FieldError): ErrorData => ({ [String(i)]: error });

function checkEachIndex(c: Collection, ctx: IndexValidationContext): ErrorData | null {
  const names = new Set<string>();
  const definitions = new Set<string>();
  const oldName = ctx.original?.name.toLowerCase() ?? '';
  const newName = c.name.toLowerCase();

  for (const [i, raw] of c.indexes.entries()) {
    const parsed = parseIndex(raw);
    parsed.tableName = 'validator'; // the table is always re-targeted at the collection
    if (!isValidIndex(parsed)) {
      return at(i, validationError('validation_invalid_index_expression', 'Invalid CREATE INDEX expression.'));
    }
    const lowerName = parsed.indexName.toLowerCase();
    if (names.has(lowerName)) {
      return at(i, validationError('validation_duplicated_index_name', 'The index name already exists.'));
    }
    names.add(lowerName);

    const owner = ctx.indexOwners.get(lowerName);
    if (owner !== undefined && owner.toLowerCase() !== oldName && owner.toLowerCase() !== newName) {
      return at(
        i,
        validationError('validation_existing_index_name', 'The index name is already used in {{.usedTableName}} collection.', {
          usedTableName: owner,
        }),
      );
    }

    const anonymous = cloneIndex(parsed);
    anonymous.schemaName = 'validator';
    anonymous.indexName = 'validator';
    const definition = buildIndex(anonymous);
    if (definitions.has(definition)) {
      return at(i, validationError('validation_duplicated_index_definition', 'The index definition already exists.'));
    }
    definitions.add(definition);
  }
  return null;
}

/** A unique index over a system field may change its name, partial condition, collation or order, nothing else. */
function checkSystemUniqueIndexes(c: Collection, original: Collection): FieldError | null {
  for (const oldRaw of original.indexes) {
    const oldParsed = parseIndex(oldRaw);
    if (!oldParsed.unique) continue;
    for (const col of oldParsed.columns) {
      col.collate = '';
      col.sort = '';
    }
    const oldDefinition = buildIndex(oldParsed);

    const systemField = oldParsed.columns
      .map((col) => original.fields.find((f) => f.system && f.name.toLowerCase() === col.name.toLowerCase()))
      .find((f) => f !== undefined);
    if (!systemField) continue;

    const kept = c.indexes.some((newRaw) => {
      const newParsed = parseIndex(newRaw);
      newParsed.schemaName = oldParsed.schemaName;
      newParsed.indexName = oldParsed.indexName;
      newParsed.tableName = oldParsed.tableName;
      newParsed.where = oldParsed.where;
      for (const col of newParsed.columns) {
        col.collate = '';
        col.sort = '';
      }
      return buildIndex(newParsed) === oldDefinition;
    });
    if (!kept) {
      return validationError(
        'validation_invalid_unique_system_field_index',
        'Unique index definition on system fields ({{.fieldName}}) is invalid or missing.',
        { fieldName: systemField.name },
      );
    }
  }
  return null;
}

/** The `indexes` error of a collection, or null. */
export function validateIndexes(c: Collection, ctx: IndexValidationContext): FieldError | ErrorData | null {
  if (c.type === 'view' && c.indexes.length > 0) {
    return validationError('validation_indexes_not_supported', "View collections don't support indexes.");
  }
  const each = checkEachIndex(c, ctx);
  if (each) return each;

  if (ctx.original) {
    const system = checkSystemUniqueIndexes(c, ctx.original);
    if (system) return system;
  }

  if (c.type === 'auth') {
    for (const name of [FIELD_TOKEN_KEY, FIELD_EMAIL]) {
      if (!findSingleColumnUniqueIndex(c.indexes, name)) {
        return validationError('validation_missing_required_unique_index', 'Missing required unique index for field "{{.fieldName}}".', {
          fieldName: name,
        });
      }
    }
  }
  return null;
}
