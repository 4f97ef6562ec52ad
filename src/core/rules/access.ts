// The seam between the records service and the filter engine: rules, client filters and
// sort compiled into whole statements over one collection, with bound parameters only.
import type { SqlValue } from '../../db/types.js';
import type { Collection } from '../collections/model.js';
import type { RequestInfo } from './request-info.js';

export interface SqlStatement {
  sql: string;
  params: SqlValue[];
}

export interface AccessQueryInput {
  collection: Collection;
  request: RequestInfo;
  /** Rule expressions, each ANDed; `''` entries are skipped (open rules). */
  rules: string[];
  /** The client's `filter` (restricted: no @request/@collection, hidden fields only for superusers). */
  clientFilter?: string;
  /** The client's `sort`. */
  clientSort?: string;
  /** Extra conditions (e.g. an id match), already compiled; they may use `tableRef`. */
  where?: (tableRef: string) => SqlStatement[];
  /**
   * Read the main collection from a one-row CTE of candidate values instead of its table
   * (the create rule); the values are as they would be written.
   */
  candidate?: Record<string, SqlValue>;
}

export interface AccessCompiler {
  /** `SELECT <fields> … [ORDER BY] [LIMIT/OFFSET]`. */
  select(input: AccessQueryInput, page?: { limit: number; offset: number }): SqlStatement;
  /** `SELECT COUNT(...) AS "count" …`. */
  count(input: AccessQueryInput): SqlStatement;
  /** `SELECT 1 AS "ok" … LIMIT 1`. */
  exists(input: AccessQueryInput): SqlStatement;
  /** Compiles the rule alone, for validation: throws on an invalid rule. */
  checkRule(collection: Collection, rule: string): void;
}
