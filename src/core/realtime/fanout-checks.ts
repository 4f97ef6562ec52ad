// Runs the access checks of one event's groups. Every check reads the record as the event
// carries it (a one-row CTE of its stored values, the way the create rule is checked), so it
// runs after the commit, on any node, and also for a delete whose row is gone. The checks of
// many groups travel in one statement: `SELECT 0 WHERE EXISTS(...) UNION ALL SELECT 1 ...`.
import type { Executor, SqlValue } from '../../db/types.js';
import { encodeValue } from '../collections/fields/index.js';
import type { RecordModel } from '../records/record.js';
import type { AccessCompiler, SqlStatement } from '../rules/access.js';
import type { CheckGroup } from './fanout-plan.js';

/** How many checks share one statement; kept well under both engines' parameter limits. */
const CHECKS_PER_STATEMENT = 50;
const PARAMS_PER_STATEMENT = 10_000;

export interface CheckCounters {
  checkQueries: number;
}

export interface CheckInput {
  record: RecordModel;
  groups: CheckGroup[];
  /** One statement per check when false (the naive mode the benchmark compares with). */
  batch: boolean;
}

/** For each group, whether its viewers may see the record. */
export async function runChecks(
  exec: Executor,
  deps: { access: AccessCompiler; counters: CheckCounters },
  input: CheckInput,
): Promise<boolean[]> {
  const { record, groups } = input;
  const allowed = groups.map(() => false);
  const candidate = storedValues(exec, record);
  const candidateParams = record.collection.fields.map((field) => candidate[field.name] ?? null);
  // Identical statements (groups that differ only in what they export) run once, unless
  // measuring the naive mode.
  const pending = new Map<string, { statement: SqlStatement; groups: number[] }>();
  groups.forEach((group, index) => {
    if (group.rule === '' && group.filter === '') {
      allowed[index] = true;
      return;
    }
    const check = checkFor(deps.access, { group, record, candidate, candidateParams });
    if (!check) return;
    const { statement } = check;
    const key = input.batch ? check.key : String(index);
    const entry = pending.get(key);
    if (entry) entry.groups.push(index);
    else pending.set(key, { statement, groups: [index] });
  });
  const entries = [...pending.values()];
  const grant = (entry: { groups: number[] }) => {
    for (const index of entry.groups) allowed[index] = true;
  };
  for (const chunk of input.batch ? chunks(entries) : entries.map((e) => [e])) {
    try {
      for (const i of await runChunk(exec, deps.counters, chunk.map((e) => e.statement))) grant(chunk[i]!);
    } catch (err) {
      if (chunk.length === 1) throw err;
      // One failing check must not silence the others: run them one by one.
      for (const entry of chunk) {
        const passed = await runChunk(exec, deps.counters, [entry.statement]).catch(() => []);
        if (passed.length > 0) grant(entry);
      }
    }
  }
  return allowed;
}

// Date macros (@now, @todayStart, …) are bound when a rule is compiled: such checks are
// compiled again for every event.
const TIME_DEPENDENT = /@(?!request\.|collection\.)/;

/**
 * A group's check for this event. The candidate's values come first in the statement (the
 * WITH clause leads it), one per field in field order, so a check compiled once serves
 * every later event of the same collection: only those leading values change. Null when the
 * check cannot compile (an invalid filter): that group gets nothing.
 */
function checkFor(
  access: AccessCompiler,
  input: { group: CheckGroup; record: RecordModel; candidate: Record<string, SqlValue>; candidateParams: SqlValue[] },
): { statement: SqlStatement; key: string } | null {
  const { group, record, candidate, candidateParams } = input;
  const cached = group.compiled;
  if (cached && cached.collection === record.collection) {
    if (cached.sql === '') return null;
    return { statement: { sql: cached.sql, params: [...candidateParams, ...cached.tail] }, key: cached.key };
  }
  let statement: SqlStatement;
  try {
    statement = access.exists({
      collection: record.collection,
      request: group.request,
      rules: group.rule === '' ? [] : [group.rule],
      ...(group.filter !== '' ? { clientFilter: group.filter } : {}),
      candidate,
    });
  } catch {
    // An invalid subscription filter (or a rule that no longer compiles): no events.
    group.compiled = { collection: record.collection, sql: '', tail: [], key: '' };
    return null;
  }
  const n = candidateParams.length;
  const leads = statement.params.length >= n && candidateParams.every((value, i) => statement.params[i] === value);
  if (leads && !TIME_DEPENDENT.test(`${group.rule} ${group.filter}`)) {
    const tail = statement.params.slice(n);
    group.compiled = { collection: record.collection, sql: statement.sql, tail, key: `${statement.sql}\0${paramsKey(tail)}` };
    return { statement, key: group.compiled.key };
  }
  return { statement, key: `${statement.sql}\0${paramsKey(statement.params)}` };
}

/** Parameters as text for comparing statements; SQLite binds booleans as BigInt, which JSON refuses. */
function paramsKey(params: SqlValue[]): string {
  return JSON.stringify(params, (_key, value: unknown) => (typeof value === 'bigint' ? ['bigint', String(value)] : value));
}

/** Indexes of the statements of `chunk` whose check passed. */
async function runChunk(exec: Executor, counters: CheckCounters, chunk: SqlStatement[]): Promise<number[]> {
  if (chunk.length === 1) {
    counters.checkQueries++;
    return (await exec.get(chunk[0]!.sql, chunk[0]!.params)) ? [0] : [];
  }
  const sql = chunk.map((s, i) => `SELECT ${i} AS "g" WHERE EXISTS (${s.sql})`).join(' UNION ALL ');
  const params: SqlValue[] = chunk.flatMap((s) => s.params);
  counters.checkQueries++;
  const rows = await exec.all<{ g: number | string }>(sql, params);
  return rows.map((row) => Number(row.g));
}

function chunks<T extends { statement: SqlStatement }>(entries: T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let params = 0;
  for (const entry of entries) {
    const n = entry.statement.params.length;
    if (current.length > 0 && (current.length >= CHECKS_PER_STATEMENT || params + n > PARAMS_PER_STATEMENT)) {
      out.push(current);
      current = [];
      params = 0;
    }
    current.push(entry);
    params += n;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** The record's values encoded as its table stores them. */
function storedValues(exec: Executor, record: RecordModel): Record<string, SqlValue> {
  const values: Record<string, SqlValue> = {};
  for (const field of record.collection.fields) values[field.name] = encodeValue(field, record.values[field.name], exec.dialect.name);
  return values;
}
