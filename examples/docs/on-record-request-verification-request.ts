// examples/docs/on-record-request-verification-request.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordRequestVerificationRequest('users').bindFunc(async (e) => {
    // In the background, for an existing unverified account only; the client already has its 204.
    if (e.record.getString('email').endsWith('@example.test')) return; // no mail, nothing else changes
    await e.next(); // queues the verification mail
  });
};
