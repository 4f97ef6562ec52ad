// Relation expansion (`?expand=author,comments_via_post.user`): up to six levels deep,
// direct relations and back-relations (`<collection>_via_<field>`). Each related record
// is fetched through its collection's view rule; what the viewer may not see is simply
// absent. A path that does not resolve is skipped, never an error (PocketBase does the same).
import type { Executor } from '../../db/types.js';
import type { Collection, RelationField } from '../collections/model.js';
import { isMultiValue } from '../collections/fields/index.js';
import { findSingleColumnUniqueIndex } from '../collections/index-definition.js';
import type { AccessCompiler } from '../rules/access.js';
import type { RequestInfo } from '../rules/request-info.js';
import type { RecordModel } from './record.js';
import { decodeRow } from './repository.js';
import { referencesIdCondition } from './relation-sql.js';

export const MAX_EXPAND_DEPTH = 6;
const MAX_EXPAND_PATHS = 64;
const BACK_RELATION_LIMIT = 1000;

export interface ExpandContext {
  collections: { byNameOrId(ref: string): Collection | undefined; byId(id: string): Collection | undefined };
  request: RequestInfo;
  access: AccessCompiler;
  /** Marks which fetched auth records' emails the viewer may see. */
  visibility(records: RecordModel[]): Promise<Set<string>>;
}

export function normaliseExpandPaths(raw: string): string[] {
  const paths = raw
    .split(',')
    .map((p) => p.replaceAll(' ', '').replace(/^\.+|\.+$/g, ''))
    .filter((p) => p !== '');
  const kept = paths.filter((p, i) => !paths.some((other, j) => i !== j && other.startsWith(p + '.')));
  return [...new Set(kept)].slice(0, MAX_EXPAND_PATHS);
}

export async function expandRecords(exec: Executor, records: RecordModel[], raw: string, ctx: ExpandContext): Promise<void> {
  const expandRequest: RequestInfo = { ...ctx.request, context: 'expand' };
  for (const path of normaliseExpandPaths(raw)) {
    await expandPath(exec, records, path.split('.'), { ...ctx, request: expandRequest, level: 1 });
  }
}

interface Relation {
  name: string;
  target: Collection;
  multiple: boolean;
  idsOf(record: RecordModel): string[];
}

const BACK_RELATION = /^(\w+)_via_(\w+)$/;

async function resolveRelation(exec: Executor, records: RecordModel[], segment: string, ctx: ExpandContext): Promise<Relation | null> {
  const main = records[0]!.collection;
  const back = BACK_RELATION.exec(segment);
  if (back) {
    const target = ctx.collections.byNameOrId(back[1]!);
    const field = target?.fields.find((f) => f.name === back[2]);
    if (!target || !field || field.type !== 'relation' || field.collectionId !== main.id) return null;
    const idsByRecord = await backRelationIds(exec, records, target, field);
    return {
      name: segment,
      target,
      multiple: !findSingleColumnUniqueIndex(target.indexes, field.name),
      idsOf: (r) => idsByRecord.get(String(r.values.id)) ?? [],
    };
  }
  const field = main.fields.find((f) => f.name === segment);
  if (!field || field.type !== 'relation') return null;
  const target = ctx.collections.byId(field.collectionId);
  if (!target) return null;
  return { name: segment, target, multiple: isMultiValue(field), idsOf: (r) => toIds(r.values[segment]) };
}

function toIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter((v) => v !== '');
  return typeof value === 'string' && value !== '' ? [value] : [];
}

async function backRelationIds(
  exec: Executor,
  records: RecordModel[],
  target: Collection,
  field: RelationField,
): Promise<Map<string, string[]>> {
  const q = exec.dialect.quoteIdent;
  const table = q(target.name);
  const column = `${table}.${q(field.name)}`;
  const result = new Map<string, string[]>();
  for (const record of records) {
    const id = String(record.values.id);
    const where = referencesIdCondition(exec, field, column);
    const order = exec.dialect.name === 'postgres' ? ` ORDER BY ${table}."_rowid"` : '';
    const rows = await exec.all<{ id: string }>(`SELECT ${table}."id" AS "id" FROM ${table} WHERE ${where}${order} LIMIT ${BACK_RELATION_LIMIT}`, [id]);
    if (rows.length > 0) result.set(id, rows.map((r) => r.id));
  }
  return result;
}

async function fetchVisible(exec: Executor, target: Collection, ids: string[], ctx: ExpandContext): Promise<RecordModel[]> {
  if (ids.length === 0) return [];
  const { request } = ctx;
  if (!request.isSuperuser && target.viewRule === null) return [];
  const rules = request.isSuperuser || !target.viewRule ? [] : [target.viewRule];
  const select = ctx.access.select({
    collection: target,
    request,
    rules,
    where: (t) => [{ sql: `${t}."id" IN (${ids.map(() => '?').join(', ')})`, params: [...ids] }],
  });
  const rows = await exec.all(select.sql, select.params);
  const records = rows.map((row) => decodeRow(target, row));
  const visible = await ctx.visibility(records);
  for (const r of records) if (visible.has(String(r.values.id))) r.emailVisible = true;
  return records;
}

async function expandPath(exec: Executor, records: RecordModel[], segments: string[], ctx: ExpandContext & { level: number }) {
  const { level } = ctx;
  if (records.length === 0 || level > MAX_EXPAND_DEPTH || segments.length === 0) return;
  const [segment, ...rest] = segments as [string, ...string[]];
  const relation = await resolveRelation(exec, records, segment, ctx);
  if (!relation) return;
  // A resolvable path marks every record as expanded, even when nothing was found.
  for (const record of records) record.expand ??= {};
  const allIds = [...new Set(records.flatMap((r) => relation.idsOf(r)))];
  const related = await fetchVisible(exec, relation.target, allIds, ctx);
  const byId = new Map(related.map((r) => [String(r.values.id), r]));
  for (const record of records) {
    const found = relation.idsOf(record).map((id) => byId.get(id)).filter((r): r is RecordModel => r !== undefined);
    if (found.length === 0) continue;
    record.expand ??= {};
    const previous = record.expand[relation.name];
    mergeNested(found, previous);
    record.expand[relation.name] = relation.multiple ? found : found[0]!;
  }
  if (rest.length > 0) await expandPath(exec, related, rest, { ...ctx, level: level + 1 });
}

/** Keeps what an earlier path already expanded on the same related records. */
function mergeNested(found: RecordModel[], previous: RecordModel | RecordModel[] | undefined): void {
  if (!previous) return;
  const list = Array.isArray(previous) ? previous : [previous];
  for (const rel of found) {
    const old = list.find((p) => p.values.id === rel.values.id);
    if (old?.expand) rel.expand = { ...old.expand, ...rel.expand };
  }
}
