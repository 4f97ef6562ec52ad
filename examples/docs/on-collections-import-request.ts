// examples/docs/on-collections-import-request.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onCollectionsImportRequest().bindFunc(async (e) => {
    // An import here never drops what it does not mention.
    e.deleteMissing = false;
    e.app.logger.info({ collections: e.collectionsData.length }, 'importing collections');
    await e.next(); // imports all of them or none, answers 204
  });
};
