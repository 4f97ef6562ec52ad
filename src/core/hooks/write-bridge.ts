// The records service's write seam (records/write-hooks.ts) served by the hook catalog: each
// stage triggers its hooks with an event whose `app` is bound to the write's transaction.
import type { Logger } from 'pino';
import type { Executor } from '../../db/types.js';
import type { RecordWriteHooks, WriteAction, WriteStage } from '../records/write-hooks.js';
import type { Hooks } from './catalog.js';
import { RecordErrorEvent, RecordEvent } from './events.js';
import type { HookApp } from './hook-app.js';
import { HookRecord } from './hook-record.js';
import type { Hook } from './hook.js';

export function recordWriteHooks(hooks: Hooks, options: { appFor(exec?: Executor): HookApp; logger: Logger }): RecordWriteHooks {
  const stages = {
    create: { write: hooks.recordCreate, execute: hooks.recordCreateExecute, success: hooks.recordAfterCreateSuccess, error: hooks.recordAfterCreateError },
    update: { write: hooks.recordUpdate, execute: hooks.recordUpdateExecute, success: hooks.recordAfterUpdateSuccess, error: hooks.recordAfterUpdateError },
    delete: { write: hooks.recordDelete, execute: hooks.recordDeleteExecute, success: hooks.recordAfterDeleteSuccess, error: hooks.recordAfterDeleteError },
  } satisfies Record<WriteAction, unknown>;

  const around = async (hook: Hook<RecordEvent>, stage: WriteStage, run: () => Promise<void>): Promise<void> => {
    if (!hook.actsOn([stage.record.collection.id, stage.record.collection.name])) return run();
    const event = new RecordEvent(options.appFor(stage.exec), new HookRecord(stage.record, stage.applied), stage.action);
    await hook.trigger(event, () => run());
  };

  const all = [hooks.recordValidate, ...Object.values(stages).flatMap((s) => [s.write, s.execute, s.success, s.error])];
  return {
    bound: (collection) => all.some((hook) => hook.length > 0) && all.some((hook) => hook.actsOn([collection.id, collection.name])),
    write: (stage, run) => around(stages[stage.action].write, stage, run),
    validate: (stage, run) => (stage.action === 'delete' ? run() : around(hooks.recordValidate, stage, run)),
    execute: (stage, run) => around(stages[stage.action].execute, stage, run),
    async settled({ action, record, error }) {
      const { success, error: failure } = stages[action];
      const hook = error === undefined ? success : failure;
      if (hook.length === 0) return;
      const app = options.appFor();
      const model = new HookRecord(record);
      try {
        if (error === undefined) await success.trigger(new RecordEvent(app, model, action));
        else await failure.trigger(new RecordErrorEvent(app, model, { type: action, error }));
      } catch (err) {
        // The write has already ended; a failing after-hook is reported, not answered.
        options.logger.error({ err, collection: record.collection.name, action }, 'hooks: an after-write handler failed');
      }
    },
  };
}
