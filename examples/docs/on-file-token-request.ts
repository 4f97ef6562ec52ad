// examples/docs/on-file-token-request.ts
import type { PlinthApi } from 'plinth';
import { ForbiddenError } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onFileTokenRequest('users').bindFunc(async (e) => {
    // e.record is the signed-in account; e.token is already made.
    if (!e.record.getBool('verified')) throw new ForbiddenError('Verify your email to open protected files.');
    await e.next(); // answers {token}
    e.app.logger.debug({ user: e.record.id }, 'file token issued');
  });
};
