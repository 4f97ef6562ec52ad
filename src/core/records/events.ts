// Record write events for listeners outside the records module (realtime). A listener is
// called inside the write's transaction, so it can still read the row as it is (a delete's
// record before it goes); what it returns runs only once the whole transaction commits.
import type { Executor } from '../../db/types.js';
import type { RecordModel } from './record.js';

export type RecordAction = 'create' | 'update' | 'delete';

export interface RecordEvent {
  action: RecordAction;
  /** After the write for create/update; as it was for delete. */
  record: RecordModel;
}

/** Called in the transaction; the returned callback (if any) runs after the commit. */
export type CommitListener = (exec: Executor, event: RecordEvent) => Promise<(() => void) | undefined>;

export type AfterCommit = () => void;
