// PocketBase's own fixture data directory (a real `pb_data`), which the workplace keeps next
// to the project. The suites that read it are skipped, saying so, where it is absent: the
// project's tests must pass without it.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const CANDIDATES = [
  resolve(import.meta.dirname, '../../../shared/pocketbase-compat/fixture'),
  '/work/shared/pocketbase-compat/fixture',
];

/** The fixture directory, or null when it is not on this machine. */
export const POCKETBASE_FIXTURE: string | null = CANDIDATES.find((dir) => existsSync(resolve(dir, 'data.db'))) ?? null;

/** For `describe(name, fixtureSkip(), ...)`. */
export function fixtureSkip(): { skip?: string } {
  return POCKETBASE_FIXTURE ? {} : { skip: 'PocketBase fixture directory not present' };
}
