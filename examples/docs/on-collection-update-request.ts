// examples/docs/on-collection-update-request.ts
import type { PlinthApi } from 'plinth';
import { ForbiddenError } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onCollectionUpdateRequest().bindFunc(async (e) => {
    // e.collection is the stored definition with the body applied; e.info.body is what was sent.
    if (e.collection.system && 'name' in e.info.body) throw new ForbiddenError('System collections keep their name.');
    await e.next(); // saves and answers
  });
};
