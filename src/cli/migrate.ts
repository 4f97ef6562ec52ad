import { existsSync } from 'node:fs';
import { loadConfig } from '../config/index.js';
import { openApp } from '../app/index.js';
import { parseFlags, DATA_FLAGS, stringFlag, UsageError } from './args.js';
import { MIGRATE_USAGE } from './usage.js';

export async function migrateCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parseFlags(argv, DATA_FLAGS);
  if (flags.help) {
    process.stdout.write(MIGRATE_USAGE);
    return 0;
  }
  const [action, ...rest] = positionals;
  if (action !== 'up' && action !== 'list') throw new UsageError(`unknown or missing action "${action ?? ''}"`);
  if (rest.length > 0) throw new UsageError('too many arguments');
  const config = loadConfig({ dir: stringFlag(flags, 'dir'), db: stringFlag(flags, 'db') }, { dirExists: existsSync });
  const app = await openApp(config, { quiet: true, migrate: false });
  try {
    if (action === 'up') {
      const applied = await app.migrations.up();
      process.stdout.write(applied.length ? applied.map((f) => `applied ${f}\n`).join('') : 'No pending migrations.\n');
    } else {
      for (const m of await app.migrations.list()) process.stdout.write(`${m.applied ? '[x]' : '[ ]'} ${m.file}\n`);
    }
    return 0;
  } finally {
    await app.close();
  }
}
