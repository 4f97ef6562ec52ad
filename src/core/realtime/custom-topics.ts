// Custom topics: server code (hooks, the OAuth2 popup redirect) sends its own messages to
// realtime clients. A client subscribes with any string; a message published on `name`
// reaches every subscription whose part before `?` is exactly `name` (so `name` and
// `name?options=...` both match, `name2` does not), under the exact string the client
// subscribed with, which is the event name the SDK listens for.
//
// Publishing refuses names that another part of the protocol owns: record topics carry a
// `/` (`collection/*`, `collection/id`) and are only ever sent by the record fan-out after
// the rule checks, so a broadcast can never impersonate a record event or skip a rule;
// names starting with `@` are Plinth's own topics (`@oauth2` goes to one client only); and
// `PB_CONNECT` is the connect event, which resets the SDK's client id.
//
// Messages go to the clients of this node only, as record events do for now.
import type { RealtimeBroker, RealtimeClient } from './broker.js';
import { MAX_SUBSCRIPTION_LENGTH, type Subscription } from './subscriptions.js';

const CONNECT_EVENT = 'PB_CONNECT';

/** Why `name` cannot be published to with `publishToTopic`, or null when it can. */
export function customTopicProblem(name: string): string | null {
  if (name === '') return 'the topic name is empty';
  if (name.length > MAX_SUBSCRIPTION_LENGTH) return `the topic name is longer than ${MAX_SUBSCRIPTION_LENGTH} characters`;
  if (name.includes('?')) return 'the topic name contains "?" (options belong to subscriptions, not to topics)';
  if (name.includes('/')) return 'names with "/" are record topics, sent only by record changes';
  if (name.startsWith('@')) return 'names starting with "@" are reserved for Plinth';
  if (name === CONNECT_EVENT) return `${CONNECT_EVENT} is the connect event`;
  return null;
}

/**
 * Sends `data` to every subscription on the custom topic `name` and answers how many
 * messages went out (to `onRealtimeMessageSend` handlers first, when bound: they may drop
 * some). Throws (before sending anything) when the name is not a custom topic or `data`
 * cannot be encoded as JSON: both are mistakes in the calling code.
 */
export function publishToTopic(broker: RealtimeBroker, name: string, data: unknown): number {
  const problem = customTopicProblem(name);
  if (problem !== null) throw new RangeError(`Cannot publish to realtime topic "${name}": ${problem}.`);
  const payload = encodable(data);
  let sent = 0;
  const filter = broker.activeFilter();
  for (const client of broker.subscribers()) {
    for (const subscription of subscriptionsOn(client, name)) {
      void broker.send(client, { name: subscription.topic, data: payload }, filter);
      sent++;
    }
  }
  return sent;
}

/** The client's subscriptions to topic `name`, with or without options. */
export function subscriptionsOn(client: RealtimeClient, name: string): Subscription[] {
  const found: Subscription[] = [];
  for (const subscription of client.subscriptions.values()) if (subscription.path === name) found.push(subscription);
  return found;
}

/** Fails on data that JSON cannot carry (cycles, BigInt) before any client gets a message. */
function encodable(data: unknown): unknown {
  if (data === undefined) return null;
  JSON.stringify(data);
  return data;
}
