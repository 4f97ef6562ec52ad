// The collections service's write seam (collections/write-hooks.ts) served by the hook catalog,
// and the settings store's reloads told to `onSettingsReload`. Each stage triggers its hooks
// with an event whose `app` is bound to the change's transaction.
import type { Logger } from 'pino';
import type { Executor } from '../../db/types.js';
import type { CollectionWriteAction, CollectionWriteHooks, CollectionWriteStage } from '../collections/write-hooks.js';
import type { Settings } from '../settings.js';
import type { Hooks } from './catalog.js';
import { CollectionErrorEvent, CollectionEvent, SettingsReloadEvent } from './events-collections.js';
import type { HookApp } from './hook-app.js';
import type { Hook } from './hook.js';

export interface BridgeOptions {
  appFor(exec?: Executor): HookApp;
  logger: Logger;
}

export function collectionWriteHooks(hooks: Hooks, options: BridgeOptions): CollectionWriteHooks {
  const stages = {
    create: { write: hooks.collectionCreate, execute: hooks.collectionCreateExecute, success: hooks.collectionAfterCreateSuccess, error: hooks.collectionAfterCreateError },
    update: { write: hooks.collectionUpdate, execute: hooks.collectionUpdateExecute, success: hooks.collectionAfterUpdateSuccess, error: hooks.collectionAfterUpdateError },
    delete: { write: hooks.collectionDelete, execute: hooks.collectionDeleteExecute, success: hooks.collectionAfterDeleteSuccess, error: hooks.collectionAfterDeleteError },
  } satisfies Record<CollectionWriteAction, unknown>;

  const around = async (hook: Hook<CollectionEvent>, stage: CollectionWriteStage, run: () => Promise<void>): Promise<void> => {
    if (hook.length === 0) return run();
    const event = new CollectionEvent(options.appFor(stage.exec), stage.collection, stage.action);
    await hook.trigger(event, () => {
      stage.collection = event.collection; // a handler may have replaced it
      return run();
    });
  };

  return {
    write: (stage, run) => around(stages[stage.action].write, stage, run),
    validate: (stage, run) => (stage.action === 'delete' ? run() : around(hooks.collectionValidate, stage, run)),
    execute: (stage, run) => around(stages[stage.action].execute, stage, run),
    async settled({ action, collection, error }) {
      const { success, error: failure } = stages[action];
      if ((error === undefined ? success : failure).length === 0) return;
      const app = options.appFor();
      try {
        if (error === undefined) await success.trigger(new CollectionEvent(app, collection, action));
        else await failure.trigger(new CollectionErrorEvent(app, collection, { type: action, error }));
      } catch (err) {
        // The change has already ended; a failing after-hook is reported, not answered.
        options.logger.error({ err, collection: collection.name, action }, 'hooks: an after-change collection handler failed');
      }
    },
  };
}

/**
 * A settings store listener (`settings.onChange`) that triggers `onSettingsReload`. The store
 * calls it synchronously, so the chain runs on its own and a failure is logged.
 */
export function settingsReloadListener(hooks: Hooks, options: BridgeOptions): (settings: Settings) => void {
  return (settings) => {
    if (hooks.settingsReload.length === 0) return;
    hooks.settingsReload.trigger(new SettingsReloadEvent(options.appFor(), settings)).catch((err: unknown) => {
      options.logger.error({ err }, 'hooks: a settings reload handler failed');
    });
  };
}
