// examples/docs/on-record-after-delete-success.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordAfterDeleteSuccess('users').bindFunc(async (e) => {
    await fetch(`https://crm.example.com/contacts/${e.record.id}`, { method: 'DELETE' });
    await e.next();
  });
};
