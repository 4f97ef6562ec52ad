// Development: the project's collection types (`plinth typegen`'s output) kept up to date
// while `serve --dev` runs, so hooks and front-end code see every schema change at once.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { generateTypes } from '../core/typegen/index.js';
import type { PlinthApp } from './index.js';

/** Where `plinth typegen` and `serve --dev` write the types (relative to the working directory). */
export const DEFAULT_TYPES_FILE = 'plinth_types.ts';

export function keepTypesFresh(app: PlinthApp, file: string, logger: Logger): void {
  const write = () => {
    try {
      const source = generateTypes([...app.core.store.list()]);
      if (readIfExists(file) !== source) writeFileSync(file, source);
    } catch (err) {
      logger.warn({ err, file }, 'could not write the collection types');
    }
  };
  write();
  app.core.collections.onChanged.push(write);
}

function readIfExists(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
