// Realtime: live clients (broker), PocketBase's subscription format, record events fan-out.
export { RealtimeBroker, DEFAULT_MAX_BACKLOG, type MessageFilter, type RealtimeAuth, type RealtimeClient, type RealtimeMessage, type RealtimeSink } from './broker.js';
export { parseSetSubscriptionsBody, parseSubscription, type Subscription } from './subscriptions.js';
export { RecordFanout, type FanoutStats } from './record-fanout.js';
export { syncClientAuth, GUEST_AUTH } from './auth-sync.js';
export type { FanoutMode } from './fanout-plan.js';
export { publishToTopic } from './custom-topics.js';
export { oauth2RedirectTarget } from './oauth2-delivery.js';
