// examples/docs/on-collection-update.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onCollectionUpdate('payments').bindFunc(async (e) => {
    // e.collection is the new definition; whatever the change, payments are never deleted through the API.
    e.collection.deleteRule = null;
    await e.next();
  });
};
