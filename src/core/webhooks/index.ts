export { WebhookService, PREVIOUS_SECRET_TTL_MS } from './service.js';
export { WebhookOutbox, DELIVERY_JOB } from './outbox.js';
export { WebhookRegistry } from './registry.js';
export { WebhookStore } from './store.js';
export { deliveryHandler, retryAfterMs } from './delivery.js';
export { installWebhookTables, WEBHOOKS_TABLE, DELIVERIES_TABLE } from './schema.js';
export { generateWebhookSecret, isWebhookSecret, signWebhook } from './signature.js';
export { eventMatches } from './model.js';
export type { Webhook } from './model.js';
