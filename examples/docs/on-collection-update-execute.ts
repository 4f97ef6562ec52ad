// examples/docs/on-collection-update-execute.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onCollectionUpdateExecute().bindFunc(async (e) => {
    // Before next(), the cached definition is still the previous one.
    const before = e.app.findCollection(e.collection.id);
    await e.next(); // the _collections row and the table (or view) changes
    const added = e.collection.fields.filter((f) => !before.fields.some((old) => old.name === f.name));
    e.app.logger.info({ collection: e.collection.name, added: added.map((f) => f.name) }, 'collection changed');
  });
};
