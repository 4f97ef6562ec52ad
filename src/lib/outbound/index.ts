// Outbound HTTP to user-chosen URLs, guarded against reaching internal addresses.
export { refusalFor } from './address-policy.js';
export type { OutboundPolicy } from './address-policy.js';
export { OutboundRefusedError, OutboundTimeoutError } from './errors.js';
export { outboundRequest } from './request.js';
export type { OutboundRequest, OutboundResponse } from './request.js';
