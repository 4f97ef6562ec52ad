// examples/docs/on-collection-delete-execute.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onCollectionDeleteExecute().bindFunc(async (e) => {
    // Before the DROP, in its transaction: the rows are still there.
    const rows = e.collection.type === 'view' ? 0 : await e.app.countRecords(e.collection.name);
    await e.next();
    e.app.logger.warn({ collection: e.collection.name, rows }, 'collection dropped');
  });
};
