// examples/docs/on-record-delete-execute.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRecordDeleteExecute('projects').bindFunc(async (e) => {
    // Before the DELETE and in its transaction: archive what goes.
    await e.app.save(e.app.newRecord('archive', { kind: 'project', data: e.record.values() }));
    await e.next();
  });
};
