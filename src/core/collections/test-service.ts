// Test support: a database with the system collections installed and a collection service on it.
import type { Database } from '../../db/types.js';
import type { Clock } from '../../lib/clock.js';
import { CollectionService } from './collection-service.js';
import { CollectionStore } from './collection-store.js';
import { installSystemCollections } from './system-collections.js';

export async function installedCollectionService(
  db: Database,
  options: { clock: Clock; newSecret: () => string },
): Promise<{ store: CollectionStore; service: CollectionService }> {
  await db.transaction((tx) => installSystemCollections(tx, { now: options.clock.now(), newSecret: options.newSecret }));
  const store = new CollectionStore(db);
  await store.reload();
  return { store, service: new CollectionService({ db, store, clock: options.clock, newSecret: options.newSecret }) };
}
