// A fresh PostgreSQL schema per end-to-end suite, dropped afterwards.
import { openTestDatabase } from '../../src/db/testing.js';

export async function freshPostgresUrl(): Promise<{ url: string; cleanup(): Promise<void> }> {
  const handle = await openTestDatabase('postgres');
  if (!handle.url) throw new Error('the PostgreSQL test database has no URL');
  // The server opens its own pool on the same schema; this handle only owns cleanup.
  return { url: handle.url, cleanup: () => handle.cleanup() };
}
