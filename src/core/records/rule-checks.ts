// Rule checks that are not plain row filters: the create rule (evaluated against the
// submitted values before anything is written) and the auth manage rule.
import type { Executor, SqlValue } from '../../db/types.js';
import type { Collection } from '../collections/model.js';
import { columnDefinition, encodeValue } from '../collections/fields/index.js';
import { AppError } from '../errors/index.js';
import type { AccessCompiler } from '../rules/access.js';
import type { RequestInfo } from '../rules/request-info.js';
import type { RecordModel } from './record.js';

const CREATE_FAILED = 'Failed to create record.';

/** PostgreSQL needs typed values in the CTE; the column type is the definition's first words. */
function pgCastType(definition: string): string {
  const match = /^(DOUBLE PRECISION|[A-Z]+)/i.exec(definition.trim());
  return match ? match[1]!.toUpperCase() : 'TEXT';
}

/**
 * A one-row CTE holding the candidate record's values under the collection's columns, so
 * the rule is compiled exactly as for stored rows but sees what was submitted.
 */
function candidateCte(exec: Executor, record: RecordModel, alias: string): { sql: string; params: SqlValue[] } {
  const q = exec.dialect.quoteIdent;
  const selects: string[] = [];
  const params: SqlValue[] = [];
  for (const field of record.collection.fields) {
    let value = record.values[field.name];
    if (field.name === 'id' && (value === '' || value == null)) value = '__temp_id__';
    if (field.name === 'verified') value = false;
    params.push(encodeValue(field, value, exec.dialect.name));
    const placeholder =
      exec.dialect.name === 'postgres' ? `CAST(? AS ${pgCastType(columnDefinition(field, 'postgres'))})` : '?';
    selects.push(`${placeholder} AS ${q(field.name)}`);
  }
  return { sql: `WITH ${q(alias)} AS (SELECT ${selects.join(', ')})`, params };
}

export async function checkCreateRule(
  exec: Executor,
  access: AccessCompiler,
  input: { collection: Collection; record: RecordModel; request: RequestInfo },
): Promise<void> {
  const rule = input.collection.createRule;
  if (rule === null || rule === '') return;
  const alias = `${input.collection.name}__pb_create`;
  const cte = candidateCte(exec, input.record, alias);
  const compiled = access.compile({ collection: input.collection, request: input.request, rules: [rule], alias }, exec.dialect.name);
  const row = await exec.get(
    `${cte.sql} SELECT 1 AS "ok" FROM ${exec.dialect.quoteIdent(alias)} ${compiled.joins} WHERE ${compiled.where} LIMIT 1`,
    [...cte.params, ...compiled.whereParams],
  );
  if (!row) throw new AppError('bad_request', CREATE_FAILED);
}

/**
 * Whether the requester may manage this auth record (change email, verified, password
 * without the old one). `candidate` evaluates against the unsaved values of a new record.
 */
export async function hasManageAccess(
  exec: Executor,
  access: AccessCompiler,
  input: { collection: Collection; record: RecordModel; request: RequestInfo; candidate: boolean },
): Promise<boolean> {
  const rule = input.collection.auth?.manageRule;
  if (input.collection.type !== 'auth' || !rule || !input.request.auth) return false;
  const q = exec.dialect.quoteIdent;
  if (input.candidate) {
    const alias = `${input.collection.name}__pb_create`;
    const cte = candidateCte(exec, input.record, alias);
    const compiled = access.compile({ collection: input.collection, request: input.request, rules: [rule], alias }, exec.dialect.name);
    const row = await exec.get(
      `${cte.sql} SELECT 1 AS "ok" FROM ${q(alias)} ${compiled.joins} WHERE ${compiled.where} LIMIT 1`,
      [...cte.params, ...compiled.whereParams],
    );
    return row !== undefined;
  }
  const ids = await managedIds(exec, access, { collection: input.collection, request: input.request, ids: [String(input.record.values.id)] });
  return ids.length > 0;
}

/** The subset of `ids` the requester may manage under the collection's manage rule. */
export async function managedIds(
  exec: Executor,
  access: AccessCompiler,
  input: { collection: Collection; request: RequestInfo; ids: string[] },
): Promise<string[]> {
  const rule = input.collection.auth?.manageRule;
  if (!rule || !input.request.auth || input.ids.length === 0) return [];
  const q = exec.dialect.quoteIdent;
  const table = q(input.collection.name);
  const compiled = access.compile({ collection: input.collection, request: input.request, rules: [rule] }, exec.dialect.name);
  const rows = await exec.all<{ id: string }>(
    `SELECT DISTINCT ${table}."id" AS "id" FROM ${table} ${compiled.joins} WHERE ${table}."id" IN (${input.ids.map(() => '?').join(', ')}) AND (${compiled.where})`,
    [...input.ids, ...compiled.whereParams],
  );
  return rows.map((r) => r.id);
}
