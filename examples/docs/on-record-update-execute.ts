// examples/docs/on-record-update-execute.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordUpdateExecute('articles').bindFunc(async (e) => {
    // Before the UPDATE, the stored row still holds the previous version.
    const before = await e.app.findRecordById('articles', e.record.id);
    await e.next();
    if (before && before.getString('body') !== e.record.getString('body')) {
      await e.app.save(e.app.newRecord('article_versions', { article: e.record.id, body: before.getString('body') }));
    }
  });
};
