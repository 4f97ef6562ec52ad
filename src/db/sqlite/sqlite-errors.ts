// Maps better-sqlite3 failures to DbError. SQLite reports constraint details only in the
// message text ("UNIQUE constraint failed: users.email, users.name"), so it is read here,
// once, and the domain never has to.
import { DbError } from '../errors.js';
import type { DbErrorDetails, DbErrorKind } from '../errors.js';

function kindOf(code: string): DbErrorKind {
  switch (code) {
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
      return 'unique_violation';
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      return 'foreign_key';
    case 'SQLITE_CONSTRAINT_NOTNULL':
      return 'not_null';
    default:
      return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') ? 'busy' : 'other';
  }
}

/** "a.b, a.c" → table a, columns [b, c]; "index 'name'" → constraint name. */
function constraintTarget(message: string): Pick<DbErrorDetails, 'table' | 'columns' | 'constraint'> {
  const match = /constraint failed: (.*)$/.exec(message);
  const target = match?.[1]?.trim();
  if (!target) return {};
  const index = /^index '(.*)'$/.exec(target);
  if (index) return { constraint: index[1] };
  const parts = target.split(',').map((p) => p.trim());
  const columns: string[] = [];
  let table: string | undefined;
  for (const part of parts) {
    const dot = part.indexOf('.');
    if (dot === -1) return {};
    table = part.slice(0, dot);
    columns.push(part.slice(dot + 1));
  }
  return { table, columns };
}

export function toDbError(err: unknown): DbError {
  if (err instanceof DbError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) {
    // Binding errors (TypeError/RangeError) and the like.
    return new DbError(message, { kind: 'other', cause: err });
  }
  const kind = kindOf(code);
  const details = kind === 'unique_violation' || kind === 'not_null' ? constraintTarget(message) : {};
  return new DbError(message, { kind, code, cause: err, ...details });
}
