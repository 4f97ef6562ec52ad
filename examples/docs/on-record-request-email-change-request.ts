// examples/docs/on-record-request-email-change-request.ts
import type { PlinthApi } from 'plinth';
import { BadRequestError } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordRequestEmailChangeRequest('users').bindFunc(async (e) => {
    // e.record is the signed-in account; e.newEmail is valid and not taken.
    if (e.newEmail.endsWith('@mailinator.com')) {
      throw new BadRequestError('Use a lasting address.', { newEmail: { code: 'disposable', message: 'Disposable addresses are refused.' } });
    }
    await e.next(); // mails the confirmation link to e.newEmail, answers 204
  });
};
