// Brings a record table in line with a changed collection, in the caller's transaction:
// table rename, columns dropped for removed fields, columns added for new fields and
// renamed for renamed ones (matched by field id, through temporary names so that swaps
// such as a↔b work), single ↔ multiple value conversions, and the indexes re-created.
// Data of kept fields is never touched except by the value-shape conversion.

import type { TransactionExecutor } from '../../../db/types.js';
import { findFieldById, fieldToJson } from '../field-list.js';
import { isMultiValue } from '../fields/index.js';
import type { Collection } from '../model.js';
import { tableExists } from './catalog.js';
import { convertValueShape } from './multi-value.js';
import {
  columnSql,
  createCollectionIndexes,
  createRecordTable,
  dropCollectionIndexes,
  tempColumnName,
} from './record-table.js';

function sameNames(tx: TransactionExecutor, a: string, b: string): boolean {
  // SQLite table names ignore case; PostgreSQL quoted names do not.
  return tx.dialect.name === 'sqlite' ? a.toLowerCase() === b.toLowerCase() : a === b;
}

const fieldsJson = (c: Collection): string => JSON.stringify(c.fields.map(fieldToJson));

/**
 * Creates the record table of `next` (when `previous` is null or its table is missing) or
 * alters the existing one from `previous`'s shape to `next`'s. Views have no record table.
 */
export async function syncRecordTable(
  tx: TransactionExecutor,
  next: Collection,
  previous: Collection | null,
): Promise<void> {
  if (next.type === 'view') return;
  if (!previous || !(await tableExists(tx, previous.name))) {
    await createRecordTable(tx, next);
    return;
  }

  const q = (n: string): string => tx.dialect.quoteIdent(n);
  const rename = !sameNames(tx, previous.name, next.name);
  const indexesChanged =
    rename || fieldsJson(previous) !== fieldsJson(next) || JSON.stringify(previous.indexes) !== JSON.stringify(next.indexes);

  if (indexesChanged) await dropCollectionIndexes(tx, previous);
  if (rename) await tx.run(`ALTER TABLE ${q(previous.name)} RENAME TO ${q(next.name)}`);
  const table = next.name;

  for (const old of previous.fields) {
    if (!findFieldById(next.fields, old.id)) await tx.run(`ALTER TABLE ${q(table)} DROP COLUMN ${q(old.name)}`);
  }

  const renames: Array<[temp: string, actual: string]> = [];
  for (const field of next.fields) {
    const old = findFieldById(previous.fields, field.id);
    if (!old) {
      const temp = tempColumnName();
      await tx.run(`ALTER TABLE ${q(table)} ADD COLUMN ${columnSql(tx, { ...field, name: temp })}`);
      renames.push([temp, field.name]);
    } else if (old.name !== field.name) {
      const temp = tempColumnName();
      await tx.run(`ALTER TABLE ${q(table)} RENAME COLUMN ${q(old.name)} TO ${q(temp)}`);
      renames.push([temp, field.name]);
    }
  }
  for (const [temp, actual] of renames) {
    await tx.run(`ALTER TABLE ${q(table)} RENAME COLUMN ${q(temp)} TO ${q(actual)}`);
  }

  for (const field of next.fields) {
    const old = findFieldById(previous.fields, field.id);
    if (!old) continue; // a new column already has its final shape
    const toMultiple = isMultiValue(field);
    if (isMultiValue(old) !== toMultiple) await convertValueShape(tx, { table, field, toMultiple });
  }

  if (indexesChanged) await createCollectionIndexes(tx, next);
}
