// Shared setup for the impersonation, rate-limit and client-IP suites: an in-process Plinth
// with chosen configuration, settings written the way the settings API stores them, and a
// few accounts.
import PocketBase from 'pocketbase';
import type { ConfigOverrides } from '../../src/config/index.js';
import type { PlinthApp } from '../../src/app/index.js';
import type { DialectName } from '../../src/db/types.js';
import { SETTINGS_PARAM_ID } from '../../src/core/settings.js';
import { startTestApp, testDatabaseUrl, type TestApp } from '../support/app.js';

export const ADMIN = { email: 'admin@example.com', password: 'admin-password-123' };
export const PASSWORD = 'user-password-123';

export type LimitsApp = TestApp;

export { testDatabaseUrl };

/** Starts an app on a free port; with `db` unset on PostgreSQL it gets a fresh schema of its own. */
export const startLimitsApp: (dialect: DialectName, overrides?: ConfigOverrides) => Promise<LimitsApp> = startTestApp;

/** Writes settings sections into `_params` (as the settings API saves them) and reloads them. */
export async function writeSettings(apps: PlinthApp[], sections: Record<string, unknown>): Promise<void> {
  const first = apps[0]!;
  const next = { ...first.core.settings.get(), ...sections };
  await first.db.run(`UPDATE "_params" SET "value" = ? WHERE "id" = ?`, [JSON.stringify(next), SETTINGS_PARAM_ID]);
  for (const app of apps) await app.core.settings.load(app.db);
}

export async function superuserClient(t: LimitsApp): Promise<PocketBase> {
  await t.app.core.superusers.upsert(ADMIN.email, ADMIN.password);
  const pb = new PocketBase(t.url);
  pb.autoCancellation(false);
  await pb.collection('_superusers').authWithPassword(ADMIN.email, ADMIN.password);
  return pb;
}

/** Signs up a user through the API (as a guest) and returns its id. */
export async function signUp(url: string, email: string): Promise<string> {
  const pb = new PocketBase(url);
  const record = await pb.collection('users').create({ email, password: PASSWORD, passwordConfirm: PASSWORD });
  return record.id;
}

export async function userClient(url: string, email: string): Promise<PocketBase> {
  const pb = new PocketBase(url);
  pb.autoCancellation(false);
  await pb.collection('users').authWithPassword(email, PASSWORD);
  return pb;
}

export function tokenPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
