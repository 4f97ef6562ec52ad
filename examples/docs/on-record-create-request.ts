// examples/docs/on-record-create-request.ts
import type { PlinthApi } from 'plinth';
import { UnauthorizedError } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordCreateRequest('comments').bindFunc(async (e) => {
    if (!e.auth) throw new UnauthorizedError('Sign in to comment.');
    e.record.set('author', e.auth.id); // whatever the body said
    await e.next(); // saves (model hooks run) and answers with the record
  });
};
