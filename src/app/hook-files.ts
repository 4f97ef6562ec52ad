// The project's hook files (`plinth_hooks/*.{ts,js,mts,mjs}`): each default-exports a function
// that receives the extension API and binds hooks, routes and cron jobs. Files load in name
// order; subfolders hold the helpers they import. In development the folder is watched, and a
// change takes back everything the files bound and loads them again — the database and open
// requests are untouched. A reload that fails keeps the previous version running.
import { existsSync, readdirSync, watch, type FSWatcher } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { HookApp } from '../core/hooks/index.js';
import type { Extensions } from './extensions.js';
import { scopedApi, type PlinthApi } from './plinth-api.js';
import { buildCacheDir, importUserModule, USER_MODULE_EXTENSIONS, UserModuleError, userCodeError } from './user-modules.js';

type Register = (plinth: PlinthApi) => unknown;

export interface HookFilesDeps {
  dir: string;
  extensions: Extensions;
  app(): HookApp;
  logger: Logger;
}

/** How long changes are gathered before one reload (editors write a file in several steps). */
const RELOAD_DELAY_MS = 150;

export class HookFiles {
  private readonly dir: string;
  private undo: (() => void)[] = [];
  private loaded: { file: string; register: Register }[] = [];
  private watcher: FSWatcher | null = null;
  private reloadTimer: NodeJS.Timeout | null = null;
  private reloading: Promise<void> = Promise.resolve();
  /** Reloads done (for tests and logs). */
  reloads = 0;

  constructor(private readonly deps: HookFilesDeps) {
    this.dir = resolve(deps.dir);
  }

  /** The hook files, in the order they load. */
  files(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && USER_MODULE_EXTENSIONS.includes(extname(entry.name)) && !entry.name.endsWith('.d.ts'))
      .map((entry) => entry.name)
      .sort()
      .map((name) => join(this.dir, name));
  }

  /** Loads every file; throws a UserModuleError (file, line, message) and binds nothing on failure. */
  async load(): Promise<string[]> {
    const cacheDir = join(buildCacheDir(this.dir), 'hooks');
    const modules: { file: string; register: Register }[] = [];
    for (const file of this.files()) {
      const exports = await importUserModule(file, { cacheDir });
      const register = exports.default;
      if (typeof register !== 'function') {
        throw new UserModuleError(file, null, 'a hook file must export a default function, e.g. `export default (plinth) => { … }`');
      }
      modules.push({ file, register: register as Register });
    }
    await this.apply(modules);
    return modules.map((m) => m.file);
  }

  /** Runs the registration functions; on failure takes back what they bound, and rethrows. */
  private async apply(modules: { file: string; register: Register }[]): Promise<void> {
    const undo: (() => void)[] = [];
    const api = scopedApi(this.deps.extensions, { app: this.deps.app, logger: this.deps.logger, undo });
    try {
      for (const { file, register } of modules) {
        try {
          await register(api);
        } catch (err) {
          throw userCodeError(file, err);
        }
      }
    } catch (err) {
      for (const take of undo.reverse()) take();
      throw err;
    }
    this.undo = undo;
    this.loaded = modules;
  }

  private unbindAll(): void {
    for (const take of this.undo.reverse()) take();
    this.undo = [];
  }

  /** Loads the files again; on failure the previous version is bound again and the error rethrown. */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(async () => {
      const previous = this.loaded;
      this.unbindAll();
      try {
        const files = await this.load();
        this.reloads++;
        this.deps.logger.info({ files: files.length }, 'hooks reloaded');
      } catch (err) {
        await this.apply(previous).catch((again: unknown) => this.deps.logger.error({ err: again }, 'hooks: the previous version failed to load again'));
        throw err;
      }
    });
    return this.reloading;
  }

  /** Watches the folder (development): a change reloads the hooks; a failed reload is logged. */
  watch(): void {
    if (this.watcher || !existsSync(this.dir)) return;
    this.watcher = watch(this.dir, { recursive: true }, () => {
      if (this.reloadTimer) clearTimeout(this.reloadTimer);
      this.reloadTimer = setTimeout(() => {
        this.reloadTimer = null;
        this.reload().catch((err: unknown) => {
          const message = err instanceof Error ? err.message : String(err);
          this.deps.logger.error(`hooks not reloaded, the previous version keeps running: ${message}`);
        });
      }, RELOAD_DELAY_MS);
    });
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
  }
}
