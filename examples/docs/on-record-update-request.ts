// examples/docs/on-record-update-request.ts
import type { PlinthApi } from 'plinth';
import { ForbiddenError } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordUpdateRequest('orders').bindFunc(async (e) => {
    // e.record is the stored order with the body applied; e.info.body is what was sent.
    if ('total' in e.info.body && !e.hasSuperuserAuth()) throw new ForbiddenError('The total is set by the shop.');
    await e.next();
  });
};
