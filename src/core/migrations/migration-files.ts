// Writing migration files: a blank one (`migrate create`), a snapshot of the collections
// (`migrate collections`) and the ones automigrate records for each collections API change.
//
// Collections are embedded as the collections API returns them (no token secrets), so an
// `up`/`down` pair is a replay of API calls. File names start with unix seconds; a name is
// never older than the newest file already there, because files run in name order and a
// change made in the same second as the previous one must still run after it.

import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../lib/clock.js';
import { collectionToJson, type Collection } from '../collections/index.js';
import type { CollectionChange } from '../collections/collection-service.js';

const HEADER = `import type { MigrationContext } from 'plinth';\n`;

/** `name` as a file-name part: lower case letters, digits and underscores. */
export function migrationSlug(name: string): string {
  const slug = name.trim().toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  return slug === '' ? 'migration' : slug.slice(0, 200);
}

const json = (value: unknown): string => JSON.stringify(value, null, 2);

function moduleSource(parts: { comment: string; constants: Record<string, unknown>; up: string; down: string }): string {
  const constants = Object.entries(parts.constants)
    .map(([name, value]) => `const ${name} = ${json(value)};\n\n`)
    .join('');
  const body = (code: string): string => (code === '' ? '' : `${code.replace(/^/gm, '  ')}\n`);
  return (
    `// ${parts.comment}\n${HEADER}\n${constants}` +
    `export async function up(app: MigrationContext): Promise<void> {\n${body(parts.up)}}\n\n` +
    `export async function down(app: MigrationContext): Promise<void> {\n${body(parts.down)}}\n`
  );
}

export function blankMigrationSource(): string {
  return moduleSource({ comment: 'A Plinth migration: `up` applies the change, `down` reverts it.', constants: {}, up: '', down: '' });
}

/**
 * Every non-system collection: `up` imports them without deleting anything else; `down`
 * is left empty (the snapshot does not know what existed before it).
 */
export function snapshotMigrationSource(collections: readonly Collection[]): string {
  const snapshot = collections.filter((c) => !c.system).map(collectionToJson);
  return moduleSource({
    comment: 'Snapshot of the collections (plinth migrate collections). `down` does nothing.',
    constants: { snapshot },
    up: 'if (snapshot.length > 0) await app.collections.import(snapshot, false);',
    down: '',
  });
}

/** The file-name suffix and source recording one collections API change. */
export function changeMigration(change: CollectionChange): { suffix: string; source: string } {
  switch (change.kind) {
    case 'created':
      return {
        suffix: `created_${migrationSlug(change.after.name)}`,
        source: moduleSource({
          comment: `Automigrate: created the collection ${JSON.stringify(change.after.name)}.`,
          constants: { after: collectionToJson(change.after) },
          up: 'await app.collections.save(after);',
          down: 'await app.collections.delete(after.id);',
        }),
      };
    case 'updated':
      return {
        suffix: `updated_${migrationSlug(change.after.name)}`,
        source: moduleSource({
          comment: `Automigrate: updated the collection ${JSON.stringify(change.after.name)}.`,
          constants: { before: collectionToJson(change.before), after: collectionToJson(change.after) },
          up: 'await app.collections.save(after);',
          down: 'await app.collections.save(before);',
        }),
      };
    case 'deleted':
      return {
        suffix: `deleted_${migrationSlug(change.before.name)}`,
        source: moduleSource({
          comment: `Automigrate: deleted the collection ${JSON.stringify(change.before.name)}.`,
          constants: { before: collectionToJson(change.before) },
          up: 'await app.collections.delete(before.id);',
          down: 'await app.collections.save(before);',
        }),
      };
    case 'imported':
      // Whole states (system collections included, so neither list is ever empty): `down`
      // restores the earlier state exactly, dropping what the import added.
      return {
        suffix: 'collections_import',
        source: moduleSource({
          comment: 'Automigrate: imported collections.',
          constants: { before: change.before.map(collectionToJson), after: change.after.map(collectionToJson) },
          up: `await app.collections.import(after, ${change.deleteMissing});`,
          down: 'await app.collections.import(before, true);',
        }),
      };
  }
}

/**
 * Writes `<unix seconds>_<suffix>.ts` into `dir` (created when missing) and returns its
 * path. The seconds are those of the clock, or one more than the newest file's.
 */
export function writeMigrationFile(dir: string, suffix: string, options: { source: string; clock: Clock }): string {
  mkdirSync(dir, { recursive: true });
  const now = Math.floor(options.clock.now().getTime() / 1000);
  const newest = readdirSync(dir).reduce((max, name) => {
    const prefix = /^(\d+)_/.exec(name);
    return prefix ? Math.max(max, Number(prefix[1])) : max;
  }, 0);
  let seconds = newest >= now ? newest + 1 : now;
  while (existsSync(join(dir, `${seconds}_${suffix}.ts`))) seconds++;
  const path = join(dir, `${seconds}_${suffix}.ts`);
  writeFileSync(path, options.source, { flag: 'wx' });
  return path;
}
