// Checks a record value still needs once validateValue passed, which only the records
// service can run because they read the database: related records exist, a custom
// primary key is free. Each comes with the error PocketBase reports when it fails.
import type { FieldError } from '../../errors/index.js';
import type { Field } from '../model.js';
import { toUniqueStringSlice } from './go-cast.js';
import { err } from './messages.js';
import { DEFAULT_ID_PATTERN, type ValueContext } from './validate-value.js';

/** A check the records service must run against the database once validateValue passed. */
export type DatabaseCheck =
  | {
      kind: 'primaryKeyAvailable';
      /** No row of the collection may have this id, compared case-insensitively. */
      id: string;
      error: FieldError;
    }
  | {
      kind: 'relationsExist';
      collectionId: string;
      /** Every id must exist in the related collection. */
      ids: string[];
      /** Reported when the related collection cannot be found. */
      missingCollectionError: FieldError;
      /** Reported when some ids have no record. */
      missingRecordsError: FieldError;
    };

/** The database checks a (valid) value still needs; empty when there are none. */
export function databaseChecks(field: Field, value: unknown, ctx: ValueContext): DatabaseCheck[] {
  switch (field.type) {
    case 'text':
      if (!field.primaryKey || !ctx.isNew || field.pattern === DEFAULT_ID_PATTERN) return [];
      if (typeof value !== 'string' || value === '') return [];
      return [
        {
          kind: 'primaryKeyAvailable',
          id: value,
          error: err('validation_pk_invalid', 'The record primary key is invalid or already exists.'),
        },
      ];
    case 'relation': {
      const ids = toUniqueStringSlice(value);
      if (ids.length === 0) return [];
      return [
        {
          kind: 'relationsExist',
          collectionId: field.collectionId,
          ids,
          missingCollectionError: err(
            'validation_missing_rel_collection',
            'Relation connection is missing or cannot be accessed',
          ),
          missingRecordsError: err(
            'validation_missing_rel_records',
            'Failed to find all relation records with the provided ids',
          ),
        },
      ];
    }
    default:
      return [];
  }
}
