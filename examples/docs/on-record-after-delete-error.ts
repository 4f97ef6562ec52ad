// examples/docs/on-record-after-delete-error.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordAfterDeleteError('users').bindFunc(async (e) => {
    e.app.logger.error({ user: e.record.id, err: e.error }, 'a user could not be deleted');
    await e.next();
  });
};
