// A record in memory: its collection and its field values, decoded to API types
// (strings, numbers, booleans, arrays, objects), keyed by field name.
import type { Collection } from '../collections/model.js';

export type RecordValues = Record<string, unknown>;

export interface RecordModel {
  collection: Collection;
  values: RecordValues;
  /** Expanded relations, keyed by field name (or `x_via_y`). */
  expand?: Record<string, RecordModel | RecordModel[]>;
  /** Set when the viewer may see this auth record's email whatever `emailVisibility` says. */
  emailVisible?: boolean;
}

export function recordId(record: RecordModel): string {
  return String(record.values.id ?? '');
}
