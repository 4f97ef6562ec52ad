// Every route of the HTTP API, in one place.
import type { Core } from '../../core/index.js';
import type { Route } from '../router.js';
import { authRoutes } from './auth.js';
import { batchRoutes } from './batch.js';
import { collectionRoutes } from './collections.js';
import { healthRoutes } from './health.js';
import { recordRoutes } from './records.js';

export function buildRoutes(core: Core, options: { bodyLimit: number }): Route[] {
  const routes = [
    ...healthRoutes,
    ...collectionRoutes(core, options),
    ...recordRoutes(core, options),
    ...authRoutes(core, options),
    ...batchRoutes(core),
  ];
  // HEAD answers like GET, without a body (node:http drops it).
  const heads = routes.filter((r) => r.method === 'GET').map((r) => ({ ...r, method: 'HEAD' as const }));
  return [...routes, ...heads];
}
