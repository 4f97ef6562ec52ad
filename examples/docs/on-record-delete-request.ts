// examples/docs/on-record-delete-request.ts
import type { PlinthApi } from 'plinth';
import { ForbiddenError } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordDeleteRequest('messages').bindFunc(async (e) => {
    if (e.record.getBool('pinned')) throw new ForbiddenError('Unpin the message first.');
    await e.next(); // the delete rule is checked, the record deleted, 204 answered
    e.app.logger.info({ message: e.record.id, by: e.auth?.id ?? 'guest' }, 'message deleted');
  });
};
