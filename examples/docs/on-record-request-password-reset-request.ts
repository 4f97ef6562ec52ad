// examples/docs/on-record-request-password-reset-request.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordRequestPasswordResetRequest('users').bindFunc(async (e) => {
    // In the background, for an existing account only; the client got the same 204 either way.
    if (e.record.getBool('ssoOnly')) {
      e.app.logger.info({ user: e.record.id }, 'no password reset for a single sign-on account');
      return; // no mail
    }
    await e.next(); // queues the reset mail
  });
};
