// Library mode: Plinth inside your own Node program.
//
//   const plinth = createPlinth({ dir: './data' });
//   plinth.onRecordCreate('orders').bindFunc(async (e) => { …; await e.next(); });
//   plinth.routerAdd('GET', '/api/hello', (e) => e.json(200, { hello: 'world' }));
//   await plinth.start();
//
// `plinth serve` runs the same way, with the project's hook files loaded before the database
// opens (a file that fails to load stops the start, naming its line) and, in development,
// reloaded on change.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pino, type Logger } from 'pino';
import { loadConfig, type Config, type ConfigOverrides } from '../config/index.js';
import type { HookApp } from '../core/hooks/index.js';
import { systemClock } from '../lib/clock.js';
import { createExtensions } from './extensions.js';
import { HookFiles } from './hook-files.js';
import { DEFAULT_TYPES_FILE, keepTypesFresh } from './dev-types.js';
import { openApp, type PlinthApp } from './index.js';
import { scopedApi, type PlinthApi } from './plinth-api.js';

export interface PlinthOptions {
  /** Data directory (SQLite `data.db` and `storage/`). Default `./plinth_data`. */
  dir?: string;
  /** A `postgres://` URL: PostgreSQL instead of SQLite. */
  db?: string;
  /** `host:port` to listen on. Default `127.0.0.1:8090`. */
  http?: string;
  /** The hook files' folder; `''` loads none. Default `./plinth_hooks` (none when it does not exist). */
  hooksDir?: string;
  /** The migration files' folder. Default `./plinth_migrations`. */
  migrationsDir?: string;
  /** Reload hook files on change; collection changes become migration files; `plinth_types.ts` kept current. */
  dev?: boolean;
  /** Collection changes made through the API become migration files (on with `dev`). */
  automigrate?: boolean;
  logLevel?: string;
  logger?: Logger;
  /** Environment variables to read `PLINTH_*` settings from (default: none in library mode). */
  env?: NodeJS.ProcessEnv;
  /** A complete configuration (the CLI's); the options above are then ignored. */
  config?: Config;
}

export interface Plinth extends PlinthApi {
  readonly config: Config;
  /** Loads the hook files, opens the database (applying migrations) and listens; resolves with the base URL. */
  start(): Promise<string>;
  /** Stops serving and closes the database (in-flight requests finish first). */
  stop(): Promise<void>;
  /** The running app, once started. */
  readonly running: PlinthApp | null;
  /** The project's hook files (reload them with `hookFiles.reload()`). */
  readonly hookFiles: HookFiles | null;
}

export function createPlinth(options: PlinthOptions = {}): Plinth {
  const config = options.config ?? loadConfig(overridesOf(options), { env: options.env ?? {}, dirExists: existsSync });
  const logger = options.logger ?? pino({ level: config.logLevel });
  const extensions = createExtensions({ logger, clock: systemClock, bodyLimit: config.bodyLimit });
  let running: PlinthApp | null = null;
  const app = (): HookApp => {
    if (!running) throw new Error('Plinth is not started yet: `app` is there once start() resolved (and always inside handlers)');
    return running.core.appFor();
  };
  const hookFiles = config.hooksDir ? new HookFiles({ dir: config.hooksDir, extensions, app, logger }) : null;
  const api = scopedApi(extensions, { app, logger });

  const start = async (): Promise<string> => {
    if (running) throw new Error('Plinth is already started');
    await hookFiles?.load();
    const opened = await openApp(config, { logger, extensions });
    let address: string;
    try {
      address = await opened.listen();
    } catch (err) {
      await opened.close();
      throw err;
    }
    running = opened;
    if (config.dev) {
      hookFiles?.watch();
      keepTypesFresh(opened, resolve(DEFAULT_TYPES_FILE), logger);
    }
    return address;
  };
  const stop = async (): Promise<void> => {
    hookFiles?.close();
    const current = running;
    running = null;
    await current?.close();
  };
  // Defined rather than assigned: `running` must be read when asked, not copied now.
  return Object.defineProperties(api, {
    config: { value: config, enumerable: true },
    hookFiles: { value: hookFiles, enumerable: true },
    running: { get: () => running, enumerable: true },
    start: { value: start },
    stop: { value: stop },
  }) as Plinth;
}

function overridesOf(options: PlinthOptions): ConfigOverrides {
  const flag = (value: boolean | undefined) => (value === undefined ? undefined : String(value));
  return {
    dir: options.dir,
    db: options.db,
    http: options.http,
    hooksDir: options.hooksDir,
    migrationsDir: options.migrationsDir,
    dev: flag(options.dev),
    automigrate: flag(options.automigrate),
    logLevel: options.logLevel,
  };
}
