// Migrations: Plinth's own (system.ts) and a project's migration files.
export { systemMigrations } from './system.js';
export { createMigrationContext } from './context.js';
export type { CollectionJson, MigrationCollections, MigrationContext } from './context.js';
export {
  isMigrationFileName,
  MIGRATION_FILE_EXTENSIONS,
  UserMigrationError,
  UserMigrations,
} from './user-migrations.js';
export type { LoadModule, UserMigrationsOptions } from './user-migrations.js';
export { blankMigrationSource, changeMigration, migrationSlug, snapshotMigrationSource, writeMigrationFile } from './migration-files.js';
export { automigrateListener } from './automigrate.js';
export type { AutomigrateOptions } from './automigrate.js';
