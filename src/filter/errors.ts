// The one error type of the filter language. Its message is safe to show to a client:
// it names the offending token or field, never SQL. The core maps it to a 400 response.

export type FilterErrorCode =
  | 'syntax' // the text does not follow the grammar
  | 'limit' // too long, too deep or too many expressions
  | 'unknown_field' // an identifier the resolver does not know
  | 'forbidden_field' // `@request.*`/`@collection.*` in a non-superuser's client filter (PocketBase: 403)
  | 'not_filterable' // a hidden field or a superuser-only collection reached by a client filter (400)
  | 'invalid_operand' // a well-formed operand that cannot be used where it stands
  | 'unknown_function'
  | 'invalid_sort';

export class FilterError extends Error {
  readonly code: FilterErrorCode;

  constructor(code: FilterErrorCode, message: string) {
    super(message);
    this.name = 'FilterError';
    this.code = code;
  }
}

export function isFilterError(err: unknown): err is FilterError {
  return err instanceof FilterError;
}
