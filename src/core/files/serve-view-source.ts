// Files listed by a view collection live with the record they were uploaded to. A view column
// that comes straight from a collection's file field is followed back (through views of views,
// a few levels deep) to that field, and the record holding the file name is looked up there.
import type { Executor } from '../../db/types.js';
import type { Collection } from '../collections/model.js';
import { isMultiValue } from '../collections/fields/index.js';
import { parseViewQuery } from '../collections/views/view-query.js';
import { decodeRow, selectColumns } from '../records/repository.js';
import type { RecordModel } from '../records/record.js';

const MAX_VIEW_DEPTH = 5;

interface SourceField {
  collection: Collection;
  fieldName: string;
}

/** The non-view collection and field a view's column is read from, or null. */
function sourceOf(view: Collection, column: string, collections: readonly Collection[]): SourceField | null {
  let current = view;
  let name = column;
  for (let depth = 0; depth < MAX_VIEW_DEPTH; depth++) {
    let parsed;
    try {
      parsed = parseViewQuery(current.viewQuery ?? '');
    } catch {
      return null;
    }
    const col = parsed.columns.find((c) => c.alias === name);
    if (!col) return null;
    const byAlias = new Map<string, Collection>();
    for (const table of parsed.tables) {
      const match = collections.find((c) => c.name === table.original);
      if (match) byAlias.set(table.alias, match);
    }
    const parts = col.original.split('.');
    const mainAlias = parsed.tables[0]?.alias;
    const collection = parts.length === 2 ? byAlias.get(parts[0]!) : mainAlias !== undefined ? byAlias.get(mainAlias) : undefined;
    const fieldName = parts[parts.length - 1]!;
    const field = collection?.fields.find((f) => f.name.toLowerCase() === fieldName.toLowerCase());
    if (!collection || !field || parts.length > 2) return null;
    if (collection.type !== 'view') return field.type === 'file' ? { collection, fieldName: field.name } : null;
    current = collection;
    name = field.name;
  }
  return null;
}

/** The record a view's file belongs to, or null when it cannot be traced. */
export async function findViewFileOwner(
  exec: Executor,
  input: { view: Collection; fieldName: string; fileName: string; collections: readonly Collection[] },
): Promise<RecordModel | null> {
  const source = sourceOf(input.view, input.fieldName, input.collections);
  if (!source) return null;
  const field = source.collection.fields.find((f) => f.name === source.fieldName)!;
  const q = exec.dialect.quoteIdent;
  const table = q(source.collection.name);
  const column = `${table}.${q(field.name)}`;
  const match = !isMultiValue(field)
    ? `${column} = ?`
    : exec.dialect.name === 'sqlite'
      ? `EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(${column}) THEN ${column} ELSE json_array(${column}) END) AS je WHERE je.value = ?)`
      : `${column} @> jsonb_build_array(CAST(? AS TEXT))`;
  const row = await exec.get(
    `SELECT ${selectColumns(exec, source.collection, source.collection.name)} FROM ${table} WHERE ${match} LIMIT 1`,
    [input.fileName],
  );
  return row ? decodeRow(source.collection, row) : null;
}
