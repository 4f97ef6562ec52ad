// examples/docs/on-collection-create-request.ts
import type { PlinthApi } from 'plinth';
import { BadRequestError } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onCollectionCreateRequest().bindFunc(async (e) => {
    // e.collection is built from the body and not saved yet.
    if (!/^[a-z][a-z0-9_]*$/.test(e.collection.name)) {
      throw new BadRequestError('Check the name.', { name: { code: 'snake_case', message: 'Use lower-case snake_case.' } });
    }
    await e.next(); // saves (the collection model hooks run) and answers it
  });
};
