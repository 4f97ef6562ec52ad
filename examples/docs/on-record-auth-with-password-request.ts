// examples/docs/on-record-auth-with-password-request.ts
import type { PlinthApi } from 'plinth';
import { TooManyRequestsError } from 'plinth';

export default (plinth: PlinthApi) => {
  const failures = new Map<string, number>(); // this node's memory; a real one would expire entries
  plinth.onRecordAuthWithPasswordRequest('users').bindFunc(async (e) => {
    // Keyed by what was typed, never by e.record (null for an unknown identity): known and
    // unknown identities are locked out alike, so the lockout tells a stranger nothing.
    const key = e.identity.toLowerCase();
    if ((failures.get(key) ?? 0) >= 5) throw new TooManyRequestsError('Too many failed attempts, try again later.');
    try {
      await e.next(); // the password check (same failure and cost without an account), then onRecordAuthRequest
      failures.delete(key);
    } catch (err) {
      failures.set(key, (failures.get(key) ?? 0) + 1);
      throw err;
    }
  });
};
