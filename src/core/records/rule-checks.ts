// Rule checks that are not plain row filters: the create rule (evaluated against the
// submitted values before anything is written) and the auth manage rule.
import type { Executor, SqlValue } from '../../db/types.js';
import type { Collection } from '../collections/model.js';
import { encodeValue } from '../collections/fields/index.js';
import { AppError } from '../errors/index.js';
import type { AccessCompiler } from '../rules/access.js';
import type { RequestInfo } from '../rules/request-info.js';
import type { RecordModel } from './record.js';

const CREATE_FAILED = 'Failed to create record.';

/** The candidate record's values as they would be written, for the create-rule CTE. */
function candidateValues(exec: Executor, record: RecordModel): Record<string, SqlValue> {
  const values: Record<string, SqlValue> = {};
  for (const field of record.collection.fields) {
    let value = record.values[field.name];
    if (field.name === 'id' && (value === '' || value == null)) value = '__temp_id__';
    if (field.name === 'verified') value = false;
    values[field.name] = encodeValue(field, value, exec.dialect.name);
  }
  return values;
}

export async function checkCreateRule(
  exec: Executor,
  access: AccessCompiler,
  input: { collection: Collection; record: RecordModel; request: RequestInfo },
): Promise<void> {
  const rule = input.collection.createRule;
  if (rule === null || rule === '') return;
  const check = access.exists({
    collection: input.collection,
    request: input.request,
    rules: [rule],
    candidate: candidateValues(exec, input.record),
  });
  const row = await exec.get(check.sql, check.params);
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
  if (input.candidate) {
    const check = access.exists({
      collection: input.collection,
      request: input.request,
      rules: [rule],
      candidate: candidateValues(exec, input.record),
    });
    return (await exec.get(check.sql, check.params)) !== undefined;
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
  const select = access.select({
    collection: input.collection,
    request: input.request,
    rules: [rule],
    where: (t) => [{ sql: `${t}."id" IN (${input.ids.map(() => '?').join(', ')})`, params: [...input.ids] }],
  });
  const rows = await exec.all<{ id: string }>(select.sql, select.params);
  return rows.map((r) => String(r.id));
}
