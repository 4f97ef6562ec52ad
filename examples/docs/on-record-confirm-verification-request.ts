// examples/docs/on-record-confirm-verification-request.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordConfirmVerificationRequest('users').bindFunc(async (e) => {
    await e.next(); // marks the account verified, answers 204
    await e.app.save(e.app.newRecord('audit', { action: 'email verified', ref: e.record.id }));
  });
};
