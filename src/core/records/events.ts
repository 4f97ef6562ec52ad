// Record write events for listeners outside the records module (realtime, and later
// webhooks). Events are collected while a transaction runs and handed over, in write order,
// only once the outermost transaction has committed; a rollback drops them.
import type { RecordModel } from './record.js';

export type RecordAction = 'create' | 'update' | 'delete';

export interface RecordEvent {
  action: RecordAction;
  /** After the write for create/update; as it was just before it went for delete. */
  record: RecordModel;
}

/** Told of the committed events of one transaction, in write order. Must not throw. */
export type CommittedListener = (events: RecordEvent[]) => void;
