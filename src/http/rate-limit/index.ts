// Rate limiting at the HTTP edge: route tags and the per-request check.
export { RateLimiter, tooManyRequests, type RateLimiterDeps } from './limiter.js';
export { routeTags, type RouteTags } from './route-tags.js';
