// examples/docs/on-record-create-execute.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordCreateExecute('orders').bindFunc(async (e) => {
    await e.next(); // the INSERT
    // Same transaction: if this save fails, the order is not written either.
    await e.app.save(e.app.newRecord('audit', { action: 'order created', ref: e.record.id }));
  });
};
