// examples/docs/on-record-confirm-email-change-request.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordConfirmEmailChangeRequest('users').bindFunc(async (e) => {
    const previous = e.record.getString('email');
    await e.next(); // saves e.newEmail (verified; sessions end), answers 204
    await fetch(`https://crm.example.com/contacts/${e.record.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ email: e.newEmail, previous }),
    });
  });
};
