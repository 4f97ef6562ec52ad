// Plays PocketBase's own API scenarios (kept outside the project, in
// ../shared/pocketbase-compat) against the built `plinth` CLI and prints the pass count.
// A reference measurement, not part of the test suite: it never fails the build.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const runner = resolve(root, '../shared/pocketbase-compat/run.mjs');
if (!existsSync(runner)) {
  console.log('pocketbase-compat: runner not found next to the checkout, skipped');
  process.exit(0);
}
const scope =
  process.env.COMPAT_FILTER ??
  '^(record_crud(_[a-z_]+)?|collection(_import)?|record_auth_with_password|record_auth_refresh|record_auth_methods|batch|health)_test\\.go:';
const bin = resolve(root, 'bin/plinth.js');
const server = `PLINTH_LOG_LEVEL=warn node ${bin} serve --dir {dir} --http 127.0.0.1:{port}`;
const args = [runner, '--server', server, '--filter', scope, '--jobs', '2', '--max-seconds', process.env.COMPAT_MAX_SECONDS ?? '600', ...process.argv.slice(2)];
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(result.status === 2 ? 2 : 0);
