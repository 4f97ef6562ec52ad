// Plain reads and writes of record rows. No rules here: callers add their own WHERE
// fragments (already compiled, with bound parameters) when access must be checked.
import type { Executor, Row, SqlValue } from '../../db/types.js';
import type { Collection } from '../collections/model.js';
import { decodeValue, encodeValue } from '../collections/fields/index.js';
import type { RecordModel, RecordValues } from './record.js';

export interface SqlFragment {
  sql: string;
  params: SqlValue[];
}

const columnListCache = new WeakMap<Collection, Map<string, string>>();

/** `"t"."a", "t"."b", …` for every field of the collection. */
export function selectColumns(exec: Executor, collection: Collection, alias: string): string {
  let byDialect = columnListCache.get(collection);
  if (!byDialect) {
    byDialect = new Map();
    columnListCache.set(collection, byDialect);
  }
  const cacheKey = `${exec.dialect.name}:${alias}`;
  let list = byDialect.get(cacheKey);
  if (!list) {
    const q = exec.dialect.quoteIdent;
    const a = q(alias);
    list = collection.fields.map((f) => `${a}.${q(f.name)}`).join(', ');
    byDialect.set(cacheKey, list);
  }
  return list;
}

export function decodeRow(collection: Collection, row: Row): RecordModel {
  const values: RecordValues = {};
  for (const field of collection.fields) values[field.name] = decodeValue(field, row[field.name]);
  return { collection, values };
}

/**
 * Whether `id` could name a stored record at all. PostgreSQL text cannot hold a NUL and refuses
 * such a parameter outright, so an id with one (from a URL or a forged token claim) must find
 * nothing before it reaches the database, on both engines alike.
 */
export function isStorableId(id: string): boolean {
  return !id.includes('\u0000');
}

export async function findRecordById(
  exec: Executor,
  collection: Collection,
  id: string,
  access?: SqlFragment,
): Promise<RecordModel | null> {
  if (!isStorableId(id)) return null;
  const q = exec.dialect.quoteIdent;
  const table = q(collection.name);
  const where = access ? ` AND (${access.sql})` : '';
  const row = await exec.get(
    `SELECT ${selectColumns(exec, collection, collection.name)} FROM ${table} WHERE ${table}."id" = ?${where} LIMIT 1`,
    [id, ...(access?.params ?? [])],
  );
  return row ? decodeRow(collection, row) : null;
}

export async function insertRecord(exec: Executor, record: RecordModel): Promise<void> {
  const { collection, values } = record;
  const q = exec.dialect.quoteIdent;
  const names: string[] = [];
  const params: SqlValue[] = [];
  for (const field of collection.fields) {
    names.push(q(field.name));
    params.push(encodeValue(field, values[field.name], exec.dialect.name));
  }
  const placeholders = names.map(() => '?').join(', ');
  await exec.run(`INSERT INTO ${q(collection.name)} (${names.join(', ')}) VALUES (${placeholders})`, params);
}

/** Writes the named fields of the record (by its current id, or `previousId` when the id changed). */
export async function updateRecord(
  exec: Executor,
  record: RecordModel,
  options: { fieldNames: string[]; previousId?: string },
): Promise<number> {
  const { collection, values } = record;
  if (options.fieldNames.length === 0) return 1;
  const q = exec.dialect.quoteIdent;
  const sets: string[] = [];
  const params: SqlValue[] = [];
  for (const name of options.fieldNames) {
    const field = collection.fields.find((f) => f.name === name);
    if (!field) continue;
    sets.push(`${q(name)} = ?`);
    params.push(encodeValue(field, values[name], exec.dialect.name));
  }
  params.push(options.previousId ?? String(values.id));
  const result = await exec.run(`UPDATE ${q(collection.name)} SET ${sets.join(', ')} WHERE "id" = ?`, params);
  return result.changes;
}

export async function deleteRecordRow(exec: Executor, collection: Collection, id: string): Promise<number> {
  const result = await exec.run(`DELETE FROM ${exec.dialect.quoteIdent(collection.name)} WHERE "id" = ?`, [id]);
  return result.changes;
}
