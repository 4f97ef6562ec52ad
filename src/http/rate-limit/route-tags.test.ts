import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Core } from '../../core/index.js';
import { buildRoutes } from '../routes/index.js';
import { routeTags } from './route-tags.js';

// Route builders only keep references at build time; a stand-in that answers anything suffices.
const anything: unknown = new Proxy(function stand() {}, { get: () => anything, apply: () => anything });

test('every collection route that PocketBase tags is tagged here, under its real path', () => {
  const routes = buildRoutes(anything as Core, { bodyLimit: 1 });
  const tagged = routes.filter((r) => routeTags(r.method, r.path) !== null).map((r) => `${r.method} ${r.path}`);
  const expected = [
    'GET /api/collections/:collection/records',
    'GET /api/collections/:collection/records/:id',
    'POST /api/collections/:collection/records',
    'PATCH /api/collections/:collection/records/:id',
    'DELETE /api/collections/:collection/records/:id',
    'GET /api/collections/:collection/auth-methods',
    'POST /api/collections/:collection/auth-refresh',
    'POST /api/collections/:collection/auth-with-password',
  ];
  for (const route of expected) assert.ok(tagged.includes(route), `${route} has no rate-limit tags`);
  // HEAD is tagged like GET; impersonation is superusers-only and never limited by tag.
  assert.deepEqual(routeTags('HEAD', '/api/collections/:collection/records'), routeTags('GET', '/api/collections/:collection/records'));
  assert.equal(routeTags('POST', '/api/collections/:collection/impersonate/:id'), null);
  assert.deepEqual(routeTags('POST', '/api/collections/:collection/auth-with-otp')?.tags, ['authWithOTP', 'auth']);
});
