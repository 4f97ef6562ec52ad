// examples/docs/on-collections-list-request.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onCollectionsListRequest().bindFunc(async (e) => {
    // Superusers only reach this API; hide the internal collections from the admin list.
    e.collections = e.collections.filter((c) => !c.name.startsWith('internal_'));
    await e.next(); // answers e.result's counts with e.collections as the items
  });
};
