// The seam between the records service and the filter engine: rules, client filters and
// sort compiled into SQL pieces for one SELECT over a collection's table.
import type { SqlValue } from '../../db/types.js';
import type { Collection } from '../collections/model.js';
import type { RequestInfo } from './request-info.js';

export interface AccessQueryInput {
  collection: Collection;
  request: RequestInfo;
  /** Rule expressions, each ANDed; `''` entries are skipped (open rules). */
  rules: string[];
  /** The client's `filter` (restricted: no @request/@collection, hidden fields only for superusers). */
  clientFilter?: string;
  /** The client's `sort`. */
  clientSort?: string;
  /** Table name or alias the main collection is reachable under (default: the collection name). */
  alias?: string;
}

export interface AccessQuery {
  /** JOIN clauses to append after `FROM "table"`. */
  joins: string;
  /** WHERE condition (`1=1` when nothing applies). */
  where: string;
  whereParams: SqlValue[];
  /** ORDER BY terms (may be empty). */
  orderBy: string[];
  orderParams: SqlValue[];
  /** The joins can multiply rows: select DISTINCT / count distinct ids. */
  distinct: boolean;
}

export interface AccessCompiler {
  compile(input: AccessQueryInput, executorDialect: 'sqlite' | 'postgres'): AccessQuery;
}
