// Rate limits: PocketBase's rules and the counters behind them.
import type { Database } from '../../db/types.js';
import { DatabaseRateLimitStore } from './database-store.js';
import { MemoryRateLimitStore, type RateLimitStore } from './store.js';

export * from './rules.js';
export * from './store.js';
export { DatabaseRateLimitStore, RATE_LIMITS_TABLE } from './database-store.js';

/**
 * The store for this database: PostgreSQL may have several Plinth nodes in front of it, so
 * counters go to the database; SQLite means one process, so memory is enough and free.
 */
export function rateLimitStoreFor(db: Database): RateLimitStore {
  return db.dialect.name === 'postgres' ? new DatabaseRateLimitStore(db) : new MemoryRateLimitStore();
}
