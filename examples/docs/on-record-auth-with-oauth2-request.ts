// examples/docs/on-record-auth-with-oauth2-request.ts
import type { PlinthApi } from 'plinth';
import { ForbiddenError } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordAuthWithOAuth2Request('users').bindFunc(async (e) => {
    if (e.isNewRecord) {
      // Only sign-ups from one provider; existing accounts may link any.
      if (e.providerName !== 'google') throw new ForbiddenError('Sign up with Google.');
      e.createData = { ...e.createData, name: e.oauth2User.name, avatarUrl: e.oauth2User.avatarURL };
    }
    await e.next(); // finds, links or creates the account, then onRecordAuthRequest
    e.app.logger.info({ user: e.record?.id, provider: e.providerName, created: e.isNewRecord }, 'oauth2 login');
  });
};
