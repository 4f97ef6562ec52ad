// One error type for every driver failure, so the domain can react to a constraint
// violation (e.g. turn a unique violation into a field error) without parsing driver text.

/** What went wrong, independent of the engine. */
export type DbErrorKind = 'unique_violation' | 'foreign_key' | 'not_null' | 'busy' | 'other';

export interface DbErrorDetails {
  readonly kind: DbErrorKind;
  /** Engine-specific code (e.g. `SQLITE_CONSTRAINT_UNIQUE`, PostgreSQL SQLSTATE `23505`). */
  readonly code?: string;
  /** The table the violation happened on, when the engine says. */
  readonly table?: string;
  /** The violated constraint or index name, when the engine says (PostgreSQL; SQLite for expression indexes). */
  readonly constraint?: string;
  /** The columns involved, when the engine says (unique: the key columns; not null: the column). */
  readonly columns?: readonly string[];
  /** The original driver error; its message may contain SQL and values — log it, never show it to clients. */
  readonly cause?: unknown;
}

/**
 * A failure reported by the database. `message` is the driver's message and may contain
 * SQL fragments or values: it is for logs only. Clients get messages the domain writes.
 */
export class DbError extends Error {
  readonly kind: DbErrorKind;
  readonly code: string | undefined;
  readonly table: string | undefined;
  readonly constraint: string | undefined;
  readonly columns: readonly string[];

  constructor(message: string, details: DbErrorDetails) {
    super(message, { cause: details.cause });
    this.name = 'DbError';
    this.kind = details.kind;
    this.code = details.code;
    this.table = details.table;
    this.constraint = details.constraint;
    this.columns = details.columns ?? [];
  }
}

export function isDbError(err: unknown, kind?: DbErrorKind): err is DbError {
  return err instanceof DbError && (kind === undefined || err.kind === kind);
}
