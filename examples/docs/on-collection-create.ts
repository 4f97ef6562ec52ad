// examples/docs/on-collection-create.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onCollectionCreate().bindFunc(async (e) => {
    // Every new base collection gets a tenant field, in the collections API's JSON shape.
    if (e.collection.type === 'base') e.addField({ name: 'tenant', type: 'text', max: 64 });
    await e.next(); // validates, then writes the collection and creates its table
  });
};
