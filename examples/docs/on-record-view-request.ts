// examples/docs/on-record-view-request.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordViewRequest('articles').bindFunc(async (e) => {
    if (e.record.getBool('draft') && e.auth?.id !== e.record.getString('author')) {
      e.json(200, { id: e.record.id, draft: true }); // answers without calling next()
      return;
    }
    await e.next();
  });
};
