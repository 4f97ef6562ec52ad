// examples/docs/on-collection-view-request.ts
import type { PlinthApi } from 'plinth';
import { NotFoundError } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onCollectionViewRequest().bindFunc(async (e) => {
    if (e.collection.name.startsWith('internal_')) throw new NotFoundError();
    await e.next(); // answers the collection's JSON
  });
};
