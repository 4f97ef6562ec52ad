// examples/docs/on-collection-after-delete-success.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onCollectionAfterDeleteSuccess().bindFunc(async (e) => {
    await fetch('https://hooks.example.com/schema', { method: 'POST', body: JSON.stringify({ deleted: e.collection.name }) });
    await e.next();
  });
};
