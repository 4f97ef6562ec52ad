// An in-process Plinth (real database, real HTTP server on a free port) for tests that send
// many requests; the CLI-based helper in server.ts is for end-to-end tests.
import { pino } from 'pino';
import { loadConfig, type ConfigOverrides } from '../../src/config/index.js';
import { openApp, type PlinthApp } from '../../src/app/index.js';
import { openTestDatabase } from '../../src/db/testing.js';
import type { DialectName } from '../../src/db/types.js';
import { tempDir } from './server.js';

export interface TestApp {
  app: PlinthApp;
  url: string;
  close(): Promise<void>;
}

/** A database to start one or more apps on; PostgreSQL gets a fresh schema. */
export async function testDatabaseUrl(dialect: DialectName): Promise<{ url: string | undefined; cleanup(): Promise<void> }> {
  if (dialect === 'sqlite') return { url: undefined, cleanup: async () => {} };
  const handle = await openTestDatabase('postgres');
  // The apps open their own pools on this schema; the handle only owns the cleanup.
  return { url: handle.url, cleanup: () => handle.cleanup() };
}

/**
 * Starts an app on a free port with optional configuration. Without `overrides.db`, a
 * PostgreSQL app gets a fresh schema of its own (dropped on close); with it, several apps can
 * share one database.
 */
export async function startTestApp(dialect: DialectName, overrides: ConfigOverrides = {}): Promise<TestApp> {
  const ownDb = overrides.db === undefined ? await testDatabaseUrl(dialect) : null;
  const config = loadConfig({ dir: tempDir(), http: '127.0.0.1:0', ...overrides, db: overrides.db ?? ownDb?.url }, { env: {} });
  const app = await openApp(config, { logger: pino({ level: 'silent' }) });
  const url = await app.listen();
  return {
    app,
    url,
    async close() {
      await app.close();
      await ownDb?.cleanup();
    },
  };
}
