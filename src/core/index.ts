// The domain's composition: one object holding every core service over one database.
import type { Logger } from 'pino';
import type { Database } from '../db/types.js';
import { Migrator } from '../db/index.js';
import type { Clock } from '../lib/clock.js';
import { CollectionService, CollectionStore } from './collections/index.js';
import { RecordService, type CollectionRegistry } from './records/service.js';
import { AuthService } from './auth/auth-service.js';
import { SuperuserService } from './auth/superusers.js';
import { SettingsStore } from './settings.js';
import { systemMigrations } from './migrations/system.js';
import { createAccessCompiler } from './rules/access-compiler.js';
import { ruleValidator } from './rules/rule-validator.js';

export interface CoreOptions {
  db: Database;
  clock: Clock;
  logger: Logger;
  bodyLimit: number;
}

export interface Core {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly store: CollectionStore;
  readonly registry: CollectionRegistry;
  readonly collections: CollectionService;
  readonly records: RecordService;
  readonly auth: AuthService;
  readonly superusers: SuperuserService;
  readonly settings: SettingsStore;
  readonly migrations: Migrator;
  /** Reloads collections and settings from the database (after migrations, or a change elsewhere). */
  reload(): Promise<void>;
}

export async function createCore(options: CoreOptions): Promise<Core> {
  const { db, clock, logger } = options;
  const store = new CollectionStore(db);
  const registry: CollectionRegistry = {
    byNameOrId: (ref) => store.find(ref),
    byId: (id) => {
      const found = store.find(id);
      return found?.id === id ? found : undefined;
    },
    all: () => [...store.list()],
  };
  const access = createAccessCompiler({ dialect: db.dialect.name, collections: registry, clock });
  const collections = new CollectionService({ db, store, clock, validateRule: ruleValidator(access) });
  const records = new RecordService({ db, collections: registry, access, clock });
  const auth = new AuthService({ db, collections: registry, records, access, clock });
  const superusers = new SuperuserService({ db, records });
  const settings = new SettingsStore();
  const migrations = new Migrator(db, systemMigrations(clock), { clock });
  return {
    db,
    clock,
    logger,
    store,
    registry,
    collections,
    records,
    auth,
    superusers,
    settings,
    migrations,
    async reload() {
      await store.reload();
      await settings.load(db);
    },
  };
}
