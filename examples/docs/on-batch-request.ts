// examples/docs/on-batch-request.ts
import type { PlinthApi } from 'plinth';
import { BadRequestError } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onBatchRequest().bindFunc(async (e) => {
    if (!e.auth && e.batch.length > 2) throw new BadRequestError('Guests may send at most 2 requests per batch.');
    await e.next(); // runs the sub-requests in one transaction (their own hooks run), answers the results
  });
};
