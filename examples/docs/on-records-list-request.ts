// examples/docs/on-records-list-request.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordsListRequest('articles').bindFunc(async (e) => {
    if (!e.hasSuperuserAuth()) {
      for (const article of e.records) article.set('internalNotes', '');
    }
    await e.next(); // renders the page (expand and fields applied)
  });
};
