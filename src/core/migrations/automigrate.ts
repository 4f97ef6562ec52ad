// Automigrate: each collection change made through the collections API is written as a
// migration file and recorded as applied (the change already happened here), so that
// committing the directory carries the schema to the other databases of the project.

import type { Logger } from 'pino';
import { basename } from 'node:path';
import type { Clock } from '../../lib/clock.js';
import type { CollectionChange } from '../collections/collection-service.js';
import { changeMigration, writeMigrationFile } from './migration-files.js';
import type { UserMigrations } from './user-migrations.js';

export interface AutomigrateOptions {
  migrations: UserMigrations;
  clock: Clock;
  logger: Logger;
}

/**
 * A `CollectionService.onChanged` listener. It never throws: the change is committed
 * either way, so a file that could not be written is logged for the operator instead.
 */
export function automigrateListener(options: AutomigrateOptions): (change: CollectionChange) => Promise<void> {
  return async (change) => {
    const { suffix, source } = changeMigration(change);
    try {
      const path = writeMigrationFile(options.migrations.dir, suffix, { source, clock: options.clock });
      await options.migrations.markApplied(basename(path));
      options.logger.info({ file: path }, 'automigrate: wrote a migration file');
    } catch (err) {
      options.logger.error({ err, change: change.kind }, 'automigrate: could not write or record the migration file');
    }
  };
}
