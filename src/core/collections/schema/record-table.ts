// Creating and dropping a base/auth collection's record table and its indexes. Columns
// come from the field definitions (`columnDefinition`), in name order as PocketBase
// creates them. On PostgreSQL every record table also gets the hidden `_rowid` column
// (see names.ts), which is not a field.

import { randomString } from '../../../lib/ids.js';
import type { Executor, TransactionExecutor } from '../../../db/types.js';
import type { ErrorData } from '../../errors/index.js';
import { ValidationError } from '../../errors/index.js';
import { columnDefinition } from '../fields/index.js';
import { isValidIndex, parseIndex } from '../index-definition.js';
import type { Collection, Field } from '../model.js';
import { PG_ROWID_COLUMN } from '../names.js';
import { validationError } from '../validation-errors.js';
import { createIndexSql, dropIndexSql } from './index-ddl.js';

const TEMP_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * A throwaway column name for swaps that must not collide. It does not embed the field
 * name (as PocketBase's does) so it stays within PostgreSQL's 63-byte identifier limit.
 */
export function tempColumnName(): string {
  return `_tmp_${randomString(10, TEMP_ALPHABET)}`;
}

export function columnSql(ex: Executor, field: Field): string {
  return `${ex.dialect.quoteIdent(field.name)} ${columnDefinition(field, ex.dialect.name)}`;
}

/** `CREATE TABLE` for the collection's record table. */
export function createRecordTableSql(ex: Executor, c: Collection): string {
  const fields = [...c.fields].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const columns = fields.map((f) => columnSql(ex, f));
  if (ex.dialect.name === 'postgres') columns.push(`${ex.dialect.quoteIdent(PG_ROWID_COLUMN)} BIGSERIAL NOT NULL`);
  return `CREATE TABLE ${ex.dialect.quoteIdent(c.name)} (${columns.join(', ')})`;
}

/**
 * Creates every index of the collection. Each runs in its own savepoint so that all
 * failures can be reported together (as `indexes.<i>` errors), as PocketBase does.
 */
export async function createCollectionIndexes(tx: TransactionExecutor, c: Collection): Promise<void> {
  if (c.type === 'view') return;
  const errors: ErrorData = {};
  for (const [i, raw] of c.indexes.entries()) {
    const parsed = parseIndex(raw);
    parsed.tableName = c.name;
    if (!isValidIndex(parsed)) {
      errors[String(i)] = validationError('validation_invalid_index_expression', 'Invalid CREATE INDEX expression.');
      continue;
    }
    const sql = createIndexSql(parsed, c.name, tx.dialect.name);
    try {
      await tx.transaction((sp) => sp.run(sql));
    } catch {
      // The engine's message may quote SQL; the client gets the index name only.
      errors[String(i)] = validationError(
        'validation_invalid_index_expression',
        `Failed to create index ${parsed.indexName} - check its columns and expressions, and that existing values satisfy it.`,
      );
    }
  }
  if (Object.keys(errors).length > 0) throw new ValidationError({ indexes: errors });
}

/** Drops every index the collection declares (missing ones are fine). */
export async function dropCollectionIndexes(tx: Executor, c: Collection): Promise<void> {
  if (c.type === 'view') return;
  for (const raw of c.indexes) {
    const parsed = parseIndex(raw);
    if (parsed.indexName === '') continue; // nothing that could have been created
    await tx.run(dropIndexSql(parsed.indexName));
  }
}

/** Creates the record table and its indexes. */
export async function createRecordTable(tx: TransactionExecutor, c: Collection): Promise<void> {
  await tx.run(createRecordTableSql(tx, c));
  await createCollectionIndexes(tx, c);
}

export async function dropRecordTable(tx: Executor, name: string): Promise<void> {
  await tx.run(`DROP TABLE IF EXISTS ${tx.dialect.quoteIdent(name)}`);
}
