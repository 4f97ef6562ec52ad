// examples/docs/on-record-validate.ts
import type { PlinthApi } from 'plinth';
import { BadRequestError } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordValidate('events').bindFunc(async (e) => {
    if (e.record.getString('ends') < e.record.getString('starts')) {
      throw new BadRequestError('Check the dates.', { ends: { code: 'before_start', message: 'Must not be before the start.' } });
    }
    await e.next(); // the built-in field checks
  });
};
