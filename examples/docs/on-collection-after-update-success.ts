// examples/docs/on-collection-after-update-success.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onCollectionAfterUpdateSuccess().bindFunc(async (e) => {
    await fetch('https://hooks.example.com/schema', { method: 'POST', body: JSON.stringify({ updated: e.collection.name }) });
    await e.next();
  });
};
