// examples/docs/on-collection-validate.ts
import type { PlinthApi } from 'plinth';
import { BadRequestError } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onCollectionValidate().bindFunc(async (e) => {
    // Creates and updates (e.type says which) made through the collections API.
    if (e.collection.name.startsWith('tmp_')) {
      throw new BadRequestError('Check the name.', { name: { code: 'reserved_prefix', message: 'tmp_ is reserved.' } });
    }
    await e.next(); // the built-in checks, against the database
  });
};
