// Bounds that keep hostile input cheap to reject. The expression and length figures are
// PocketBase's; the nesting bound is ours (PocketBase is bounded only by the length).

/** Longest client filter accepted (characters). */
export const MAX_FILTER_LENGTH = 3500;
/** Most comparisons in one filter or rule. */
export const MAX_FILTER_EXPRESSIONS = 200;
/** Deepest parenthesis nesting. */
export const MAX_GROUP_DEPTH = 50;
/** Most `sort` terms in one request. */
export const MAX_SORT_FIELDS = 8;
/** Longest single `sort` term (characters). */
export const MAX_SORT_FIELD_LENGTH = 255;

export interface ParseLimits {
  /** Defaults to MAX_FILTER_LENGTH. Rules may pass a larger figure. */
  maxLength?: number;
  /** Defaults to MAX_FILTER_EXPRESSIONS. */
  maxExpressions?: number;
  /** Defaults to MAX_GROUP_DEPTH. */
  maxDepth?: number;
}
