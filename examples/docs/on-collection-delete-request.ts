// examples/docs/on-collection-delete-request.ts
import type { PlinthApi } from 'plinth';
import { BadRequestError } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onCollectionDeleteRequest().bindFunc(async (e) => {
    if (e.info.query.confirm !== e.collection.name) throw new BadRequestError(`Add ?confirm=${e.collection.name} to delete it.`);
    await e.next(); // deletes it, answers 204
  });
};
