// examples/docs/on-record-request-otp-request.ts
import type { PlinthApi } from 'plinth';
import { BadRequestError } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordRequestOTPRequest('staff').bindFunc(async (e) => {
    // Decided on the address alone, never on e.record (null for an unknown address), so the
    // answer is the same whether or not an account has it.
    if (!e.email.endsWith('@example.com')) {
      throw new BadRequestError('Use your company address.', { email: { code: 'wrong_domain', message: 'Must end with @example.com.' } });
    }
    await e.next(); // mails a code and answers {otpId} (a decoy id when there is no account)
  });
};
