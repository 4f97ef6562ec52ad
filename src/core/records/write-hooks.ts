// The seam through which extension code (the hook bus) wraps a record write. The records
// module only knows this interface; the stages mirror a write's life:
//   write    — around the whole model write, inside its transaction (validate + execute);
//   validate — around the field checks;
//   execute  — around the row's INSERT/UPDATE/DELETE;
//   settled  — after the outermost transaction ended: committed or rolled back with `error`.
import type { Executor } from '../../db/types.js';
import type { Collection } from '../collections/model.js';
import type { AppliedInput } from './input.js';
import type { RecordModel } from './record.js';
import type { RecordEvent } from './events.js';

export type WriteAction = 'create' | 'update' | 'delete';

export interface WriteStage {
  action: WriteAction;
  exec: Executor;
  record: RecordModel;
  /** The input being saved (create/update), so extension code can set passwords too. */
  applied?: AppliedInput;
}

export interface RecordWriteHooks {
  /** Whether extension code acts on this collection's writes: a write that would skip its transaction then keeps it. */
  bound(collection: Collection): boolean;
  write(stage: WriteStage, run: () => Promise<void>): Promise<void>;
  validate(stage: WriteStage, run: () => Promise<void>): Promise<void>;
  execute(stage: WriteStage, run: () => Promise<void>): Promise<void>;
  /** Awaited before the write's caller gets its answer; must not throw. */
  settled(outcome: { action: WriteAction; record: RecordModel; error?: unknown }): Promise<void>;
}

export const NO_WRITE_HOOKS: RecordWriteHooks = {
  bound: () => false,
  write: (_stage, run) => run(),
  validate: (_stage, run) => run(),
  execute: (_stage, run) => run(),
  settled: async () => {},
};

/**
 * Work written in the same transaction as a record write (webhook deliveries): it exists
 * only if the write commits.
 */
export interface RecordOutbox {
  /** Whether writes to this collection have work here (such a write takes a transaction, or fuses its inserts). */
  wants(collection: Collection): boolean;
  /**
   * Whether its work for this write only inserts rows, without reading the record back: such a
   * write can carry them in its own statement (see db/fused-inserts.ts) instead of a transaction.
   */
  insertsOnly(collection: Collection, action: RecordEvent['action']): boolean;
  /** Inside the write's transaction: after the row for create/update, before the row goes for delete. */
  written(exec: Executor, event: RecordEvent): Promise<void>;
}
