// examples/docs/on-collection-after-create-success.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onCollectionAfterCreateSuccess().bindFunc(async (e) => {
    // Committed, and the collection is already served.
    await fetch('https://hooks.example.com/schema', { method: 'POST', body: JSON.stringify({ created: e.collection.name }) });
    await e.next();
  });
};
