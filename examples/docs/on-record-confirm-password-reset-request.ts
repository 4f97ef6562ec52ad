// examples/docs/on-record-confirm-password-reset-request.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordConfirmPasswordResetRequest('users').bindFunc(async (e) => {
    await e.next(); // saves the new password (every session of the account ends), answers 204
    await e.app.sendMail({
      from: { address: e.app.settings().meta.senderAddress },
      to: [{ address: e.record.getString('email') }],
      subject: 'Your password was changed',
      html: '<p>If this was not you, contact us.</p>',
    });
  });
};
