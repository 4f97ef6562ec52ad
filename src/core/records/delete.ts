// Deleting a record and keeping references consistent, inside the caller's transaction:
// every relation field that points at the deleted record drops the id; a record left with
// no ids in a `cascadeDelete` field is deleted too (recursively); a record left empty in
// a required field blocks the whole delete.
import type { Executor } from '../../db/types.js';
import type { Collection, RelationField } from '../collections/model.js';
import { encodeValue, isMultiValue } from '../collections/fields/index.js';
import { AppError } from '../errors/index.js';
import type { RecordEvent } from './events.js';
import type { RecordModel } from './record.js';
import { decodeRow, selectColumns } from './repository.js';
import { referencesIdCondition } from './relation-sql.js';

export const REQUIRED_REFERENCE_MESSAGE =
  'Failed to delete record. Make sure that the record is not part of a required relation reference.';

interface DeleteContext {
  collections: Collection[];
  deleteRow(exec: Executor, collection: Collection, id: string): Promise<number>;
  /** Told of each record deleted (as it was) and each record whose relation lost the id. */
  announce?(event: RecordEvent): void;
  /** Runs after a record lost the deleted id from a relation (inside the transaction). */
  detached?(event: RecordEvent): Promise<void>;
  /** Runs just before each record's row goes, while everything it references is still there. */
  beforeDelete?(record: RecordModel): Promise<void>;
  /** Wraps the delete of each record the cascade removes (its own write hooks); `run` deletes it. */
  cascade?(record: RecordModel, run: () => Promise<void>): Promise<void>;
}

const BATCH = 1000;

export async function deleteWithReferences(exec: Executor, record: RecordModel, ctx: DeleteContext, depth = 0): Promise<void> {
  if (depth > 100) throw new AppError('bad_request', 'Too many nested cascade deletes.');
  const { collection } = record;
  const id = String(record.values.id);
  await ctx.beforeDelete?.(record);
  await ctx.deleteRow(exec, collection, id);
  ctx.announce?.({ action: 'delete', record });
  const refs = ctx.collections
    .filter((c) => c.type !== 'view')
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((c) =>
      c.fields
        .filter((f): f is RelationField => f.type === 'relation' && f.collectionId === collection.id)
        .map((field) => ({ refCollection: c, field })),
    );
  for (const { refCollection, field } of refs) {
    for (;;) {
      const rows = await referencingRows(exec, refCollection, field, id);
      if (rows.length === 0) break;
      for (const ref of rows) await detach(exec, { ref, field, id, depth }, ctx);
      if (rows.length < BATCH) break;
    }
  }
}

async function referencingRows(exec: Executor, collection: Collection, field: RelationField, id: string): Promise<RecordModel[]> {
  const q = exec.dialect.quoteIdent;
  const table = q(collection.name);
  const column = `${table}.${q(field.name)}`;
  const where = referencesIdCondition(exec, field, column);
  const rows = await exec.all(
    `SELECT ${selectColumns(exec, collection, collection.name)} FROM ${table} WHERE ${where} AND ${table}."id" <> ? LIMIT ${BATCH}`,
    [id, id],
  );
  return rows.map((row) => decodeRow(collection, row));
}

async function detach(
  exec: Executor,
  target: { ref: RecordModel; field: RelationField; id: string; depth: number },
  ctx: DeleteContext,
) {
  const { ref, field, id, depth } = target;
  const current = ref.values[field.name];
  const ids = (Array.isArray(current) ? current.map(String) : current ? [String(current)] : []).filter((v) => v !== id);
  if (field.cascadeDelete && ids.length === 0) {
    const run = () => deleteWithReferences(exec, ref, ctx, depth + 1);
    await (ctx.cascade ? ctx.cascade(ref, run) : run());
    return;
  }
  if (field.required && ids.length === 0) throw new AppError('bad_request', REQUIRED_REFERENCE_MESSAGE);
  const value = isMultiValue(field) ? ids : (ids[0] ?? '');
  const q = exec.dialect.quoteIdent;
  await exec.run(`UPDATE ${q(ref.collection.name)} SET ${q(field.name)} = ? WHERE "id" = ?`, [
    encodeValue(field, value, exec.dialect.name),
    String(ref.values.id),
  ]);
  const event: RecordEvent = { action: 'update', record: { collection: ref.collection, values: { ...ref.values, [field.name]: value } } };
  ctx.announce?.(event);
  await ctx.detached?.(event);
}
