// How one identity's events for one write are judged: the topics a case listens on, and the
// differences between what arrived, what the matrix (permission-matrix.cases.ts) says and what
// the REST API showed the same identity with the same options.
import assert from 'node:assert/strict';
import { CASES, EXPAND_VISIBLE_TO, IDS, VARIANTS, type Identity, type MatrixCase, type Step, type Variant } from './permission-matrix.cases.js';

export type Json = Record<string, unknown>;
export interface Received {
  action: string;
  record: Json;
}

/** The public collection whose events end each write's batch of events. */
export const MARKER = 'pings/*';

/** The exact topic string a subscriber sends, as the SDK builds it. */
export function topicFor(collection: string, target: string, variant: Variant): string {
  const topic = `${collection}/${target}`;
  if (!variant.query && !variant.headers) return topic;
  const options = { query: variant.query ?? {}, headers: variant.headers ?? {} };
  return `${topic}?options=${encodeURIComponent(JSON.stringify(options))}`;
}

export function allTopics(): string[] {
  const topics = new Set<string>([MARKER]);
  for (const c of CASES) for (const v of VARIANTS) for (const target of ['*', c.recordId]) topics.add(topicFor(c.collection, target, v));
  return [...topics];
}
/** Differences between what one identity received for this write and what it should have. */
export function mismatches(input: { c: MatrixCase; step: Step; who: Identity; got: Map<string, Received[]>; rest: Map<string, Json | null> }): string[] {
  const { c, step, who, got, rest } = input;
  const out: string[] = [];
  const expectedTopics = new Set<string>();
  for (const variant of VARIANTS) {
    const viewers = variant.headers ? (step.seeWithToken ?? step.see) : step.see;
    const visible = viewers.includes(who) && variant.name !== 'filter-miss';
    const restBody = rest.get(`${who} ${variant.name}`) ?? null;
    for (const target of ['*', c.recordId]) {
      const topic = topicFor(c.collection, target, variant);
      const label = `${who} ${c.collection}/${target === '*' ? '*' : 'id'} [${variant.name}]`;
      const events = got.get(topic) ?? [];
      if (!visible) {
        if (events.length > 0) out.push(`${label}: unexpected ${events.map((e) => e.action).join(',')}`);
        if (restBody !== null) out.push(`${label}: REST shows the record, the matrix says no`);
        continue;
      }
      expectedTopics.add(topic);
      if (events.length !== 1) {
        out.push(`${label}: expected one ${step.action} event, got ${events.length}`);
        continue;
      }
      const { action, record } = events[0]!;
      if (action !== step.action) out.push(`${label}: action ${action}`);
      if (restBody === null) out.push(`${label}: REST shows nothing, the matrix says visible`);
      else {
        try {
          assert.deepEqual(record, restBody);
        } catch {
          out.push(`${label}: event ${JSON.stringify(record)} != REST ${JSON.stringify(restBody)}`);
        }
      }
      out.push(...fieldMismatches({ c, step, who, variant, record, label }));
    }
  }
  const ownTopics = new Set(VARIANTS.flatMap((v) => ['*', c.recordId].map((target) => topicFor(c.collection, target, v))));
  for (const topic of got.keys()) if (!ownTopics.has(topic)) out.push(`${who}: event on unrelated topic ${topic}`);
  return out;
}

export function fieldMismatches(input: { c: MatrixCase; step: Step; who: Identity; variant: Variant; record: Json; label: string }): string[] {
  const { c, step, who, variant, record, label } = input;
  const out: string[] = [];
  const su = who === 'superuser';
  if (('secret' in record) !== su) out.push(`${label}: hidden field ${su ? 'missing' : 'shown'}`);
  if (variant.name === 'fields') {
    const keys = Object.keys(record).sort();
    const want = su ? ['id', 'secret', 'title'] : ['id', 'title'];
    if (JSON.stringify(keys) !== JSON.stringify(want)) out.push(`${label}: keys ${keys.join(',')}`);
  } else if (c.type === 'auth') {
    const showsEmail = (step.email ?? ['superuser']).includes(who);
    if (('email' in record) !== showsEmail) out.push(`${label}: email ${showsEmail ? 'missing' : 'shown'}`);
  }
  if (variant.name === 'expand') {
    const expanded = (record.expand as { owner?: Json } | undefined)?.owner?.id;
    const wantExpand = EXPAND_VISIBLE_TO.includes(who);
    if ((expanded === IDS.owner) !== wantExpand) out.push(`${label}: expand.owner ${String(expanded)}`);
  }
  return out;
}
