// examples/docs/on-collection-delete.ts
import type { PlinthApi } from 'plinth';
import { BadRequestError } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onCollectionDelete('orders', 'invoices').bindFunc(async () => {
    // No next(): with a throw the delete is refused and the caller told why.
    throw new BadRequestError('Orders and invoices are kept for ten years.');
  });
};
