// examples/docs/on-record-after-update-error.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordAfterUpdateError().bindFunc(async (e) => {
    // No collection named: every collection's failed updates.
    e.app.logger.warn({ collection: e.collection.name, id: e.record.id, err: e.error }, 'update rolled back');
    await e.next();
  });
};
