// examples/docs/errors.ts
import type { PlinthApi } from 'plinth';
import { ApiError, BadRequestError, ForbiddenError } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordValidate('posts').bindFunc(async (e) => {
    if (e.record.getString('title').length > 120) {
      // 400 {"status":400,"message":"Check the title.","data":{"title":{"code":"too_long","message":"At most 120 characters."}}}
      throw new BadRequestError('Check the title.', { title: { code: 'too_long', message: 'At most 120 characters.' } });
    }
    await e.next();
  });

  plinth.onRecordDeleteRequest('posts').bindFunc(async (e) => {
    if (e.record.getBool('locked')) throw new ForbiddenError('This post is locked.');
    await e.next();
  });

  plinth.routerAdd('POST', '/api/import', () => {
    throw new ApiError(409, 'An import is already running.');
  });
};
