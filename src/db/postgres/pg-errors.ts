// Maps `pg` failures to DbError. PostgreSQL reports constraint details as fields of the
// error (SQLSTATE code, table, column, constraint); only the unique key's columns have to
// be read from the `detail` text.
import { DbError } from '../errors.js';
import type { DbErrorKind } from '../errors.js';

interface PgErrorFields {
  code?: unknown;
  table?: unknown;
  column?: unknown;
  constraint?: unknown;
  detail?: unknown;
}

function kindOf(sqlState: string): DbErrorKind {
  switch (sqlState) {
    case '23505': // unique_violation
      return 'unique_violation';
    case '23503': // foreign_key_violation
      return 'foreign_key';
    case '23502': // not_null_violation
      return 'not_null';
    case '40001': // serialization_failure
    case '40P01': // deadlock_detected
    case '55P03': // lock_not_available
      return 'busy';
    default:
      return 'other';
  }
}

const PLAIN_IDENT = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** `Key (a, b)=(1, 2) already exists.` → [a, b]; expression keys give no columns. */
function uniqueColumns(detail: string): string[] {
  const match = /^Key \((.*?)\)=\(/.exec(detail);
  if (!match?.[1]) return [];
  const names = match[1].split(',').map((s) => s.trim().replace(/^"(.*)"$/, '$1'));
  return names.every((n) => PLAIN_IDENT.test(n)) ? names : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** True when the error came from the server (it has a SQLSTATE), not from the connection. */
export function isServerError(err: unknown): boolean {
  const code = (err as PgErrorFields | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

export function toDbError(err: unknown): DbError {
  if (err instanceof DbError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (!isServerError(err)) return new DbError(message, { kind: 'other', cause: err });
  const fields = err as PgErrorFields;
  const code = fields.code as string;
  const kind = kindOf(code);
  const detail = text(fields.detail);
  const column = text(fields.column);
  let columns: string[] = [];
  if (kind === 'unique_violation' && detail) columns = uniqueColumns(detail);
  else if (column) columns = [column];
  return new DbError(message, {
    kind,
    code,
    table: text(fields.table),
    constraint: text(fields.constraint),
    columns,
    cause: err,
  });
}
