// The db layer's public surface. Adapters (`openSqlite`, `openPostgres`) are exported from
// their own folders so that only the composition root pulls in the drivers.
export type {
  ColumnInfo,
  Database,
  Dialect,
  DialectName,
  Executor,
  Row,
  SqlValue,
  TransactionExecutor,
} from './types.js';
export { DbError, isDbError } from './errors.js';
export type { DbErrorDetails, DbErrorKind } from './errors.js';
export { dialectFor, postgresDialect, sqliteDialect } from './dialects.js';
export { listColumns, listTables, tableExists } from './introspection.js';
export { rewritePlaceholders } from './placeholders.js';
export { Migrator, MIGRATIONS_TABLE } from './migrator.js';
export type { Migration, MigrationStatus } from './migrator.js';
