// examples/docs/on-record-update.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordUpdate('articles').bindFunc(async (e) => {
    e.record.set('revision+', 1);
    await e.next();
  });
};
