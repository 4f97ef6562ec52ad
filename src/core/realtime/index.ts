// Realtime: live clients (broker), PocketBase's subscription format, record events fan-out.
export { RealtimeBroker, DEFAULT_MAX_BACKLOG, type RealtimeAuth, type RealtimeClient, type RealtimeMessage, type RealtimeSink } from './broker.js';
export { parseSetSubscriptionsBody, parseSubscription, type Subscription } from './subscriptions.js';
export { recordFanout } from './record-fanout.js';
