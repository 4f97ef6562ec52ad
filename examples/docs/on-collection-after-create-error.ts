// examples/docs/on-collection-after-create-error.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onCollectionAfterCreateError().bindFunc(async (e) => {
    e.app.logger.warn({ collection: e.collection.name, err: e.error }, 'a collection was not created');
    await e.next();
  });
};
