// Which subscribers an event concerns, and how they group. Subscribers whose access check
// depends on the same things (superuser or not, the rule, the subscription's filter, and
// the parts of the request the rule reads: the auth record, the headers, the query) share
// one check; those that would see the same JSON (same visibility, expand and fields) share
// one export. A public rule with no filter needs no query at all.
//
// Planning runs for every subscriber of the event's collection on every event, so what can
// be worked out once per subscription (its request, its group key) is kept until the
// client's identity or the collection's rule changes.
import type { SqlValue } from '../../db/types.js';
import type { Collection } from '../collections/model.js';
import type { RecordEvent } from '../records/events.js';
import type { CollectionRegistry } from '../records/service.js';
import type { RequestInfo } from '../rules/request-info.js';
import { currentAuth } from './auth-sync.js';
import type { RealtimeAuth, RealtimeBroker, RealtimeClient, Subscribed } from './broker.js';
import type { Subscription } from './subscriptions.js';

export type FanoutMode = 'grouped' | 'per-client';

export interface Target {
  client: RealtimeClient;
  subscription: Subscription;
  /** This subscriber's own request: what the export is made for. */
  request: RequestInfo;
  /** Subscribers with equal keys see the same JSON. */
  exportKey: string;
}

export interface CheckGroup {
  /** The request the check runs with: its members differ only in what the check does not read. */
  request: RequestInfo;
  /** The rule to check (`''` = none, e.g. for superusers) and the subscription's filter. */
  rule: string;
  filter: string;
  expand: string;
  fields: string;
  targets: Target[];
  /** The check compiled for this group's collection, kept while the plan lives (see fanout-checks). */
  compiled?: CompiledCheck;
}

export interface CompiledCheck {
  collection: Collection;
  /** Empty when the check does not compile (an invalid filter). */
  sql: string;
  /** The parameters after the candidate's values. */
  tail: SqlValue[];
  /** Equal keys mean equal statements for any candidate. */
  key: string;
}

/** What planning worked out for one subscription under one identity and rule. */
interface Prepared {
  auth: RealtimeAuth;
  rule: string | null;
  collection: Collection;
  request: RequestInfo;
  checkKey: string;
  exportKey: string;
}

const prepared = new WeakMap<Subscribed, Prepared>();

/** The groups of one collection, valid while nothing they were built from has changed. */
interface CollectionPlan {
  collection: Collection;
  version: number;
  /** The auth collections of the subscribers, as they were: a token secret change voids the plan. */
  authCollections: Map<string, Collection | undefined>;
  list: CheckGroup[];
  byRecord: Map<string, CheckGroup[]>;
}

/**
 * Plans per collection, rebuilt only when a subscription, an identity or a collection
 * changes; between changes an event costs work in proportion to its groups, not to the
 * subscribers.
 */
export class FanoutPlanner {
  private readonly plans = new Map<string, CollectionPlan>();

  constructor(private readonly deps: { broker: RealtimeBroker; collections: CollectionRegistry }) {}

  groupsFor(event: RecordEvent, mode: FanoutMode): CheckGroup[] {
    const { collection } = event.record;
    const id = String(event.record.values.id);
    if (mode === 'per-client') {
      const plan = this.build(collection, mode);
      return [...plan.list, ...(plan.byRecord.get(id) ?? [])];
    }
    let plan = this.plans.get(collection.id);
    if (!plan || !this.fresh(plan, collection)) {
      plan = this.build(collection, mode);
      this.plans.set(collection.id, plan);
      if (this.plans.size > 1000) this.plans.clear();
    }
    const forRecord = plan.byRecord.get(id);
    return forRecord ? [...plan.list, ...forRecord] : plan.list;
  }

  private fresh(plan: CollectionPlan, collection: Collection): boolean {
    if (plan.collection !== collection || plan.version !== this.deps.broker.version) return false;
    for (const [id, seen] of plan.authCollections) if (this.deps.collections.byId(id) !== seen) return false;
    return true;
  }

  private build(collection: Collection, mode: FanoutMode): CollectionPlan {
    const { broker, collections } = this.deps;
    const authCollections = new Map<string, Collection | undefined>();
    const list = new Map<string, CheckGroup>();
    const byRecord = new Map<string, Map<string, CheckGroup>>();
    for (const entry of broker.subscribedTo(collection)) {
      const { client, subscription } = entry;
      const isList = subscription.recordRef === '*';
      const auth = currentAuth(broker, client, collections);
      if (auth.record) authCollections.set(auth.record.collection.id, collections.byId(auth.record.collection.id));
      const collectionRule = isList ? collection.listRule : collection.viewRule;
      // A superuser-only rule: nothing for anyone else, and no query needed to know it.
      if (collectionRule === null && !auth.isSuperuser) continue;
      let plan = prepared.get(entry);
      if (!plan || plan.auth !== auth || plan.rule !== collectionRule || plan.collection !== collection) {
        plan = prepare({ auth, rule: collectionRule, collection, subscription });
        prepared.set(entry, plan);
      }
      const key = mode === 'per-client' ? `${client.id}\n${subscription.topic}` : plan.checkKey;
      let groups = list;
      if (!isList) {
        groups = byRecord.get(subscription.recordRef) ?? new Map();
        byRecord.set(subscription.recordRef, groups);
      }
      const target = { client, subscription, request: plan.request, exportKey: plan.exportKey };
      const group = groups.get(key);
      if (group) {
        group.targets.push(target);
        continue;
      }
      const { query } = subscription.options;
      groups.set(key, {
        request: plan.request,
        rule: auth.isSuperuser ? '' : (collectionRule ?? ''),
        filter: query.filter ?? '',
        expand: query.expand ?? '',
        fields: query.fields ?? '',
        targets: [target],
      });
    }
    return {
      collection,
      // Read after the loop: resetting a stale identity above is itself a change.
      version: broker.version,
      authCollections,
      list: [...list.values()],
      byRecord: new Map([...byRecord].map(([id, groups]) => [id, [...groups.values()]])),
    };
  }
}

function prepare(input: { auth: RealtimeAuth; rule: string | null; collection: Collection; subscription: Subscription }): Prepared {
  const { auth, collection, subscription } = input;
  const { query, headers } = subscription.options;
  const rule = auth.isSuperuser ? '' : (input.rule ?? '');
  const filter = query.filter ?? '';
  const request: RequestInfo = { auth: auth.record, isSuperuser: auth.isSuperuser, method: 'GET', query, headers, body: {}, context: 'realtime' };
  const text = `${rule} ${filter}`;
  // Reading the text of the rule is conservative: a mention inside a string literal only
  // splits a group, it never merges two that differ.
  const checkKey = [
    auth.isSuperuser ? 'su' : 'user',
    rule,
    filter,
    query.expand ?? '',
    query.fields ?? '',
    authKey(auth, text),
    text.includes('@request.headers') ? JSON.stringify(headers) : '',
    text.includes('@request.query') ? JSON.stringify(query) : '',
  ].join('\n');
  return { auth, rule: input.rule, collection, request, checkKey, exportKey: exportKey(request, { collection, subscription }) };
}

const AUTH_MENTION = /@request\.auth(?:\.([A-Za-z_][A-Za-z0-9_]*))?/g;

/**
 * What of the subscriber's account the check reads: the values of the `@request.auth.<field>`
 * fields the texts name, so a rule on `@request.auth.role` groups subscribers by role, not by
 * user. Anything else after `@request.auth` (a back-relation, no field at all) depends on who
 * the account is: then the whole identity.
 */
function authKey(auth: RealtimeAuth, text: string): string {
  if (!text.includes('@request.auth')) return '';
  const { record } = auth;
  if (!record) return 'guest';
  const values: string[] = [];
  for (const [, name] of text.matchAll(AUTH_MENTION)) {
    if (name === 'collectionId' || name === 'collectionName') continue;
    if (name === undefined || !Object.hasOwn(record.values, name)) return identityKey(auth);
    values.push(`${name}=${JSON.stringify(record.values[name])}`);
  }
  return `${record.collection.id}\n${[...new Set(values)].sort().join('\n')}`;
}

/**
 * Visibility depends on being a superuser; on auth collections (email visibility) and with
 * expand (related view rules) also on who is looking, and then on their headers and query.
 */
function exportKey(request: RequestInfo, target: { collection: Collection; subscription: Subscription }): string {
  const { query } = target.subscription.options;
  const viewerDependent = target.collection.type === 'auth' || (query.expand ?? '') !== '';
  const viewer = viewerDependent
    ? `${identityKey({ record: request.auth, isSuperuser: request.isSuperuser })}\n${JSON.stringify(request.headers)}\n${JSON.stringify(query)}`
    : '';
  return [request.isSuperuser ? 'su' : 'user', query.expand ?? '', query.fields ?? '', viewer].join('\n');
}

function identityKey(auth: RealtimeAuth): string {
  if (!auth.record) return 'guest';
  return `${auth.isSuperuser ? 'su' : 'user'}:${auth.record.collection.id}:${String(auth.record.values.id)}`;
}
