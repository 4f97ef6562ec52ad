// examples/docs/on-record-create.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordCreate('tickets').bindFunc(async (e) => {
    // Inside the write's transaction: the count and the insert see the same data.
    const existing = await e.app.countRecords('tickets');
    e.record.set('status', 'open');
    e.record.set('number', existing + 1);
    await e.next();
  });
};
