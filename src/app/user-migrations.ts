// Wires a project's migration files into the app: where they are, how they load (compiled
// by esbuild through user-modules.ts), and automigrate when the config asks for it.
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Core } from '../core/index.js';
import { automigrateListener, UserMigrations } from '../core/migrations/index.js';
import { buildCacheDir, importUserModule } from './user-modules.js';

export function userMigrationsFor(config: Config, core: Core, logger: Logger): UserMigrations {
  const dir = resolve(config.migrationsDir);
  const cacheDir = join(buildCacheDir(dir), 'migrations');
  const migrations = new UserMigrations({
    db: core.db,
    dir,
    load: (file) => importUserModule(file, { cacheDir }),
    clock: core.clock,
    saveSettings: core.collections.saveSettings,
    afterCommit: () => core.store.changed(),
  });
  if (config.automigrate) core.collections.onChanged.push(automigrateListener({ migrations, clock: core.clock, logger }));
  return migrations;
}
