// examples/docs/on-record-auth-with-otp-request.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordAuthWithOTPRequest('users').bindFunc(async (e) => {
    // The code was right and is used up already; e.record is its account.
    const firstLogin = !e.record.getBool('verified');
    await e.next(); // marks the address verified (the code proved it), then onRecordAuthRequest
    if (firstLogin) e.app.logger.info({ user: e.record.id, otp: e.otpId }, 'address proven by a one-time code');
  });
};
