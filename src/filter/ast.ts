// The typed tree the parser produces. `&&` binds tighter than `||` (PocketBase emits the
// flat sequence into SQL, where AND has precedence over OR, so the meaning is the same).

/** The comparison operators without their `?` ("any") prefix. */
export type BaseOperator = '=' | '!=' | '~' | '!~' | '<' | '<=' | '>' | '>=';

export interface Operator {
  readonly base: BaseOperator;
  /**
   * `?=`, `?~`, …: for multi-value operands at least one value must match. Without it
   * every value must match.
   */
  readonly any: boolean;
}

export type OperandNode =
  | { readonly type: 'identifier'; readonly name: string }
  | { readonly type: 'text'; readonly value: string }
  | { readonly type: 'number'; readonly value: number; readonly raw: string }
  | { readonly type: 'function'; readonly name: string; readonly args: readonly OperandNode[] };

export interface ComparisonNode {
  readonly type: 'comparison';
  readonly left: OperandNode;
  readonly op: Operator;
  readonly right: OperandNode;
}

export interface LogicalNode {
  readonly type: 'and' | 'or';
  /** Always two or more items. */
  readonly items: readonly FilterNode[];
}

export type FilterNode = ComparisonNode | LogicalNode;

export const BASE_OPERATORS: readonly BaseOperator[] = ['=', '!=', '~', '!~', '<', '<=', '>', '>='];

/** Renders an operator back to its filter syntax (`?>=` …). */
export function operatorText(op: Operator): string {
  return (op.any ? '?' : '') + op.base;
}
