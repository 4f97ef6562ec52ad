// examples/docs/on-record-auth-request.ts
import type { PlinthApi } from 'plinth';
import { ForbiddenError } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordAuthRequest('users').bindFunc(async (e) => {
    // Every way in ends here, after the credentials were proven: refusing now tells nothing
    // to someone who does not already hold them.
    if (e.record.getBool('suspended')) throw new ForbiddenError('This account is suspended.');
    if (e.authMethod !== 'oauth2') e.meta = { plan: e.record.getString('plan') }; // OAuth2 logins keep their provider meta
    await e.next(); // answers {token, record, meta}
    e.app.logger.info({ user: e.record.id, method: e.authMethod }, 'signed in');
  });
};
