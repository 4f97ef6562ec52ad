// examples/docs/on-record-auth-refresh-request.ts
import type { PlinthApi } from 'plinth';
import { UnauthorizedError } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordAuthRefreshRequest('users').bindFunc(async (e) => {
    // A token stays valid until it expires; refuse to extend it for a closed account.
    if (e.record.getBool('closed')) throw new UnauthorizedError('This account was closed.');
    await e.next(); // the auth rule, a new token, then onRecordAuthRequest
  });
};
