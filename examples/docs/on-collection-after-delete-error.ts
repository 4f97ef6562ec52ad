// examples/docs/on-collection-after-delete-error.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onCollectionAfterDeleteError().bindFunc(async (e) => {
    // For instance a relation field of another collection still points at it.
    e.app.logger.warn({ collection: e.collection.name, err: e.error }, 'a collection was not deleted');
    await e.next();
  });
};
