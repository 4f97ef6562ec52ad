// Every route of the HTTP API, in one place.
import type { Core } from '../../core/index.js';
import type { Route } from '../router.js';
import { authRoutes } from './auth.js';
import { authFlowRoutes } from './auth-flows.js';
import { otpRoutes } from './auth-otp.js';
import { batchRoutes } from './batch.js';
import { collectionRoutes } from './collections.js';
import { fileRoutes } from './files.js';
import { firstRunRoutes } from './first-run.js';
import { healthRoutes } from './health.js';
import { impersonateRoutes } from './impersonate.js';
import { oauth2Routes } from './oauth2.js';
import { realtimeRoutes } from './realtime.js';
import { recordRoutes } from './records.js';
import { settingsRoutes } from './settings.js';

export function buildRoutes(core: Core, options: { bodyLimit: number; superuserAdmits?(ip: string): boolean }): Route[] {
  const routes = [
    ...healthRoutes,
    ...firstRunRoutes,
    ...collectionRoutes(core, options),
    ...recordRoutes(core, options),
    ...authRoutes(core, options),
    ...authFlowRoutes(core, options),
    ...settingsRoutes(core, options),
    ...impersonateRoutes(core, options),
    ...oauth2Routes(core, options),
    ...otpRoutes(core, options),
    ...batchRoutes(core),
    ...realtimeRoutes(core, options),
    ...fileRoutes(core, { superuserAdmits: options.superuserAdmits }),
  ];
  // HEAD answers like GET, without a body (node:http drops it).
  const heads = routes.filter((r) => r.method === 'GET').map((r) => ({ ...r, method: 'HEAD' as const }));
  return [...routes, ...heads];
}
