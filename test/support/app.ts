// An in-process Plinth (real database, real HTTP server on a free port) for tests that send
// many requests; the CLI-based helper in server.ts is for end-to-end tests.
import { pino } from 'pino';
import { loadConfig } from '../../src/config/index.js';
import { openApp, type PlinthApp } from '../../src/app/index.js';
import { openTestDatabase } from '../../src/db/testing.js';
import type { DialectName } from '../../src/db/types.js';
import { tempDir } from './server.js';

export interface TestApp {
  app: PlinthApp;
  url: string;
  close(): Promise<void>;
}

export async function startTestApp(dialect: DialectName): Promise<TestApp> {
  let dbUrl: string | undefined;
  let cleanupDb = async () => {};
  if (dialect === 'postgres') {
    const handle = await openTestDatabase('postgres');
    dbUrl = handle.url;
    cleanupDb = () => handle.cleanup();
  }
  const config = loadConfig({ dir: tempDir(), http: '127.0.0.1:0', db: dbUrl }, { env: {} });
  const app = await openApp(config, { logger: pino({ level: 'silent' }) });
  const url = await app.listen();
  return {
    app,
    url,
    async close() {
      await app.close();
      await cleanupDb();
    },
  };
}
