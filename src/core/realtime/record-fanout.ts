// Turns a committed record write into realtime messages. Runs inside the write's
// transaction (a deleted row can still be checked against the rules), and returns the
// sending, which the records service runs once the transaction commits.
//
// Each subscriber is checked with the REST API's own access path (`findWithRule`, then the
// same export: hidden fields, email visibility). Subscribers sharing an identity and the
// exact subscription string share one check.
import type { Logger } from 'pino';
import type { Database, Executor, TransactionExecutor } from '../../db/types.js';
import type { Collection } from '../collections/model.js';
import type { CommitListener, RecordEvent } from '../records/events.js';
import type { RecordService } from '../records/service.js';
import type { RequestInfo } from '../rules/request-info.js';
import type { RealtimeAuth, RealtimeBroker, RealtimeClient, RealtimeMessage } from './broker.js';
import type { Subscription } from './subscriptions.js';

export interface FanoutDeps {
  db: Database;
  broker: RealtimeBroker;
  records: RecordService;
  logger: Logger;
}

interface Group {
  auth: RealtimeAuth;
  subscription: Subscription;
  rule: string | null;
  clients: RealtimeClient[];
}

export function recordFanout(deps: FanoutDeps): CommitListener {
  return async (exec, event) => {
    const groups = groupSubscribers(deps.broker.subscribers(), event);
    if (groups.length === 0) return undefined;
    const deliveries: Array<{ client: RealtimeClient; message: RealtimeMessage }> = [];
    const check = async (tx: Executor) => {
      for (const group of groups) {
        const data = await exportFor(deps.records, tx, { group, event });
        if (data === null) continue;
        const message = { name: group.subscription.topic, data: { action: event.action, record: data } };
        for (const client of group.clients) deliveries.push({ client, message });
      }
    };
    try {
      // Inside a transaction a failed query would poison it (PostgreSQL): a savepoint keeps
      // a failing check from failing the write.
      if (exec !== deps.db && 'transaction' in exec) await (exec as TransactionExecutor).transaction(check);
      else await check(exec);
    } catch (err) {
      deps.logger.warn({ err, collection: event.record.collection.name }, 'realtime: could not prepare a record event');
      return undefined;
    }
    return () => {
      for (const { client, message } of deliveries) deps.broker.deliver(client, message);
    };
  };
}

function groupSubscribers(clients: RealtimeClient[], event: RecordEvent): Group[] {
  const { collection } = event.record;
  const id = String(event.record.values.id);
  const groups = new Map<string, Group>();
  for (const client of clients) {
    for (const subscription of client.subscriptions.values()) {
      const kind = topicKind(subscription.path, collection, id);
      if (kind === null) continue;
      const rule = kind === 'list' ? collection.listRule : collection.viewRule;
      // A superuser-only rule: nothing for anyone else, and no query needed to know it.
      if (rule === null && !client.auth.isSuperuser) continue;
      const key = `${identityKey(client.auth)}\n${subscription.topic}`;
      const group = groups.get(key);
      if (group) group.clients.push(client);
      else groups.set(key, { auth: client.auth, subscription, rule, clients: [client] });
    }
  }
  return [...groups.values()];
}

/** `name/*` or `id/*` → the list rule; `name/recordId` or `id/recordId` → the view rule. */
function topicKind(path: string, collection: Collection, recordId: string): 'list' | 'view' | null {
  const slash = path.indexOf('/');
  if (slash === -1) return null;
  const ref = path.slice(0, slash);
  if (ref !== collection.name && ref !== collection.id) return null;
  const rest = path.slice(slash + 1);
  if (rest === '*') return 'list';
  return rest === recordId ? 'view' : null;
}

function identityKey(auth: RealtimeAuth): string {
  if (!auth.record) return 'guest';
  return `${auth.isSuperuser ? 'su' : 'user'}:${auth.record.collection.id}:${String(auth.record.values.id)}`;
}

/** The record as the REST API would show it to this subscriber, or null when it may not see it. */
async function exportFor(
  records: RecordService,
  exec: Executor,
  target: { group: Group; event: RecordEvent },
): Promise<Record<string, unknown> | null> {
  const { group, event } = target;
  const { options } = group.subscription;
  const request: RequestInfo = {
    auth: group.auth.record,
    isSuperuser: group.auth.isSuperuser,
    method: 'GET',
    query: options.query,
    headers: options.headers,
    body: {},
    context: 'realtime',
  };
  const { collection } = event.record;
  const allowed = await records.findWithRule(exec, { collection, id: String(event.record.values.id) }, { request, rule: group.rule });
  if (!allowed) return null;
  // A copy: expansion writes into the record, and each group expands for its own viewer.
  const copy = { collection, values: { ...event.record.values } };
  const [out] = await records.present(exec, [copy], request, options.query.expand ?? null);
  return out ?? null;
}
