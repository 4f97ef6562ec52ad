// examples/docs/on-record-after-update-success.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordAfterUpdateSuccess('orders').bindFunc(async (e) => {
    if (e.record.getString('status') === 'shipped') {
      await fetch('https://hooks.example.com/shipped', { method: 'POST', body: JSON.stringify({ order: e.record.id }) });
    }
    await e.next();
  });
};
