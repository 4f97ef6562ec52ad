// examples/docs/on-record-delete.ts
import type { PlinthApi } from 'plinth';
import { BadRequestError } from 'plinth';

export default (plinth: PlinthApi) => {
  // Any delete, also one made by extension code or a cascade, not only API requests.
  plinth.onRecordDelete('categories').bindFunc(async (e) => {
    if (e.record.getString('slug') === 'uncategorized') throw new BadRequestError('This category must stay.');
    await e.next();
  });
};
