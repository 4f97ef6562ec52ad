// The filter language: lexer → parser → AST → plan (through a FieldResolver) → SQL per dialect.
export type { BaseOperator, ComparisonNode, FilterNode, LogicalNode, OperandNode, Operator } from './ast.js';
export { BASE_OPERATORS, operatorText } from './ast.js';
export { FilterError, isFilterError, type FilterErrorCode } from './errors.js';
export {
  MAX_FILTER_EXPRESSIONS,
  MAX_FILTER_LENGTH,
  MAX_GROUP_DEPTH,
  MAX_SORT_FIELDS,
  MAX_SORT_FIELD_LENGTH,
  type ParseLimits,
} from './limits.js';
export { parseFilter } from './parser.js';
export type {
  Affinity,
  FieldResolver,
  MultiMatch,
  NullFallback,
  ResolvedExpression,
  ResolvedField,
  ResolvedValue,
  SqlFragment,
  ValueKind,
} from './resolver.js';
export {
  compileFilter,
  compileFilterText,
  planFilter,
  renderPlan,
  type CompiledFilter,
  type CompileOptions,
} from './compile.js';
export { cat, joinFragments, type Fragment } from './fragment.js';
export { asciiLower, sqliteNumberText } from './sqlite-values.js';
export {
  compileSort,
  compileSortKeys,
  parseSort,
  RANDOM_SORT,
  ROWID_SORT,
  sortKeyFragment,
  type SortDirection,
  type SortKey,
  type SortOptions,
  type SortTerm,
} from './sort.js';
export { MACRO_NAMES, resolveMacro } from './macros.js';
export {
  asciiLowerSql,
  cleanPathPart,
  jsonArrayLength,
  jsonEachFrom,
  jsonEachJoin,
  jsonEachSource,
  jsonExtract,
  type ArrayColumnType,
} from './json-sql.js';
export { SimpleFieldResolver, type SimpleColumnKind, type SimpleResolverOptions } from './simple-resolver.js';
export {
  POSTGRES_FILTER_FUNCTION_NAMES,
  POSTGRES_FILTER_FUNCTIONS_MIGRATION,
  POSTGRES_FILTER_FUNCTIONS_SQL,
} from './postgres-functions.js';
