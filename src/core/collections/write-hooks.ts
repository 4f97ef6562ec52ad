// The seam through which extension code (the hook bus) wraps a collection change. The
// collections module only knows this interface; the stages mirror a change's life:
//   write    — around the whole change, inside its transaction (validate + execute);
//   validate — around the checks against the current database (create and update);
//   execute  — around the `_collections` row and the table/view DDL;
//   settled  — after the transaction ended: committed, or rolled back with `error`.
import type { TransactionExecutor } from '../../db/types.js';
import type { Collection } from './model.js';

export type CollectionWriteAction = 'create' | 'update' | 'delete';

export interface CollectionWriteStage {
  readonly action: CollectionWriteAction;
  readonly exec: TransactionExecutor;
  /** What is being written; a stage may replace it, and the following steps use the new one. */
  collection: Collection;
}

export interface CollectionWriteHooks {
  write(stage: CollectionWriteStage, run: () => Promise<void>): Promise<void>;
  validate(stage: CollectionWriteStage, run: () => Promise<void>): Promise<void>;
  execute(stage: CollectionWriteStage, run: () => Promise<void>): Promise<void>;
  /** Awaited before the change's caller gets its answer; must not throw. */
  settled(outcome: { action: CollectionWriteAction; collection: Collection; error?: unknown }): Promise<void>;
}

export const NO_COLLECTION_WRITE_HOOKS: CollectionWriteHooks = {
  write: (_stage, run) => run(),
  validate: (_stage, run) => run(),
  execute: (_stage, run) => run(),
  settled: async () => {},
};

/**
 * One change on its way through the hooks. The hooks hear its outcome once its transaction
 * ended: an error only when the change reached them, a success only when it was executed (a
 * handler may end the chain without `next()`, and then nothing was written).
 */
export class HookedChange {
  private stage: CollectionWriteStage | null = null;
  private done = false;

  constructor(
    private readonly hooks: CollectionWriteHooks,
    private readonly change: { action: CollectionWriteAction; collection: Collection },
  ) {}

  /** The collection as the handlers left it. */
  get collection(): Collection {
    return this.stage?.collection ?? this.change.collection;
  }

  get executed(): boolean {
    return this.done;
  }

  /** Inside the transaction: the write stage around `work`, which runs the other stages. */
  async write(tx: TransactionExecutor, work: (stage: CollectionWriteStage) => Promise<void>): Promise<void> {
    const stage: CollectionWriteStage = { action: this.change.action, exec: tx, collection: this.change.collection };
    this.stage = stage;
    await this.hooks.write(stage, () => work(stage));
  }

  /** The execute stage around `run`; marks the change as written. */
  async execute(stage: CollectionWriteStage, run: () => Promise<void>): Promise<void> {
    await this.hooks.execute(stage, async () => {
      await run();
      this.done = true;
    });
  }

  /** After the commit. */
  async succeeded(): Promise<void> {
    if (this.done) await this.hooks.settled({ action: this.change.action, collection: this.collection });
  }

  /** After the rollback; returns `failure` for the caller to throw. */
  async failed(failure: unknown): Promise<unknown> {
    this.done = false;
    if (this.stage) await this.hooks.settled({ action: this.change.action, collection: this.collection, error: failure });
    return failure;
  }
}
