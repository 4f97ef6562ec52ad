// Record → API JSON, as PocketBase serialises it: every visible field, `collectionId`,
// `collectionName`, `expand` when set; keys in sorted order (PocketBase encodes a map).
// Hidden fields are left out unless the viewer is a superuser; `password` and `tokenKey`
// are never sent; an auth record's `email` only when visible to the viewer.
import type { Collection } from '../collections/model.js';
import type { RecordModel } from './record.js';

export interface ExportOptions {
  /** Superusers see hidden fields (except password/tokenKey). */
  showHidden: boolean;
  /** Owner, superuser or manager: the email is shown whatever `emailVisibility` says. */
  showEmail: boolean;
}

interface ExportPlan {
  keys: string[];
  hidden: Set<string>;
}

const planCache = new WeakMap<Collection, ExportPlan>();

const ALWAYS_SECRET = new Set(['password', 'tokenKey']);

function planFor(collection: Collection): ExportPlan {
  let plan = planCache.get(collection);
  if (!plan) {
    const names = collection.fields.map((f) => f.name);
    const keys = [...names, 'collectionId', 'collectionName', 'expand'].sort();
    const hidden = new Set(collection.fields.filter((f) => f.hidden).map((f) => f.name));
    plan = { keys, hidden };
    planCache.set(collection, plan);
  }
  return plan;
}

export function exportRecord(record: RecordModel, options: ExportOptions): Record<string, unknown> {
  const { collection, values } = record;
  const plan = planFor(collection);
  const isAuth = collection.type === 'auth';
  const out: Record<string, unknown> = {};
  for (const key of plan.keys) {
    switch (key) {
      case 'collectionId':
        out.collectionId = collection.id;
        continue;
      case 'collectionName':
        out.collectionName = collection.name;
        continue;
      case 'expand':
        if (record.expand) out.expand = exportExpand(record.expand, options);
        continue;
    }
    if (plan.hidden.has(key) && !options.showHidden) continue;
    if (isAuth) {
      if (ALWAYS_SECRET.has(key)) continue;
      if (key === 'email' && !options.showEmail && !record.emailVisible && values.emailVisibility !== true) continue;
    }
    out[key] = values[key];
  }
  return out;
}

function exportExpand(
  expand: NonNullable<RecordModel['expand']>,
  options: ExportOptions,
): Record<string, unknown> {
  const nested: ExportOptions = { showHidden: options.showHidden, showEmail: false };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(expand)) {
    out[key] = Array.isArray(value) ? value.map((r) => exportRecord(r, nested)) : exportRecord(value, nested);
  }
  return out;
}
