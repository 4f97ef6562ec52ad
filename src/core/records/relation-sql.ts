// SQL for "this relation column points at ?", shared by cascade delete and back-relation expand.
import type { Executor } from '../../db/types.js';
import type { RelationField } from '../collections/model.js';
import { isMultiValue } from '../collections/fields/index.js';

/** A condition on the quoted `column` of `field` that holds when it references the bound id. */
export function referencesIdCondition(exec: Executor, field: RelationField, column: string): string {
  if (!isMultiValue(field)) return `${column} = ?`;
  if (exec.dialect.name === 'postgres') return `${column} @> jsonb_build_array(CAST(? AS TEXT))`;
  return `EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(${column}) THEN ${column} ELSE json_array(${column}) END) AS "__je__" WHERE "__je__".value = ?)`;
}
