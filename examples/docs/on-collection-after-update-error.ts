// examples/docs/on-collection-after-update-error.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onCollectionAfterUpdateError().bindFunc(async (e) => {
    e.app.logger.warn({ collection: e.collection.name, err: e.error }, 'a collection change was rolled back');
    await e.next();
  });
};
