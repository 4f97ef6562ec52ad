// examples/docs/on-collection-create-execute.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onCollectionCreateExecute().bindFunc(async (e) => {
    await e.next(); // the _collections row and the CREATE TABLE (or VIEW)
    // Same transaction: if this save fails, the collection is not created either.
    await e.app.save(e.app.newRecord('audit', { action: 'collection created', ref: e.collection.name }));
  });
};
