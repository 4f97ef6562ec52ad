// examples/docs/on-record-after-create-error.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordAfterCreateError('orders').bindFunc(async (e) => {
    e.app.logger.warn({ err: e.error, email: e.record.getString('email') }, 'an order was not saved');
    await e.next();
  });
};
