// A temporary copy of a project folder (hooks, migrations) set up as a user's project would be:
// `plinth` and the npm packages it uses resolvable from its node_modules. Here `plinth` points
// at this repository's sources (the CLI under test runs them through tsx).
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '../support/server.js';

const ROOT = resolve(import.meta.dirname, '../..');

export function projectCopy(fixture: string, packages: string[] = []): string {
  const dir = tempDir('plinth-project-');
  cpSync(join(ROOT, 'test/fixtures', fixture), dir, { recursive: true });
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, 'plinth'), { recursive: true });
  writeFileSync(
    join(modules, 'plinth/package.json'),
    JSON.stringify({ name: 'plinth', type: 'module', exports: './index.ts' }),
  );
  writeFileSync(join(modules, 'plinth/index.ts'), `export * from ${JSON.stringify(join(ROOT, 'src/index.ts'))};\n`);
  for (const name of packages) symlinkSync(join(ROOT, 'node_modules', name), join(modules, name), 'dir');
  return dir;
}
