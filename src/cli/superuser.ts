import { existsSync } from 'node:fs';
import { loadConfig } from '../config/index.js';
import { openApp } from '../app/index.js';
import { isAppError } from '../core/errors/index.js';
import { parseFlags, DATA_FLAGS, stringFlag, UsageError } from './args.js';
import { SUPERUSER_USAGE } from './usage.js';

const ACTIONS = ['upsert', 'create', 'update', 'delete'] as const;
type Action = (typeof ACTIONS)[number];

export async function superuserCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parseFlags(argv, DATA_FLAGS);
  if (flags.help) {
    process.stdout.write(SUPERUSER_USAGE);
    return 0;
  }
  const [action, email, password, ...rest] = positionals;
  if (!action || !ACTIONS.includes(action as Action)) throw new UsageError(`unknown or missing action "${action ?? ''}"`);
  if (!email) throw new UsageError('missing EMAIL');
  if (action !== 'delete' && !password) throw new UsageError('missing PASSWORD');
  if (rest.length > 0 || (action === 'delete' && password)) throw new UsageError('too many arguments');

  const config = loadConfig({ dir: stringFlag(flags, 'dir'), db: stringFlag(flags, 'db') }, { dirExists: existsSync });
  const app = await openApp(config, { quiet: true });
  try {
    const superusers = app.core.superusers;
    switch (action as Action) {
      case 'upsert':
        await superusers.upsert(email, password!);
        process.stdout.write(`Superuser ${email} saved.\n`);
        break;
      case 'create':
        await superusers.create(email, password!);
        process.stdout.write(`Superuser ${email} created.\n`);
        break;
      case 'update':
        await superusers.setPassword(email, password!);
        process.stdout.write(`Superuser ${email} updated.\n`);
        break;
      case 'delete':
        await superusers.delete(email);
        process.stdout.write(`Superuser ${email} deleted.\n`);
        break;
    }
    return 0;
  } catch (err) {
    if (!isAppError(err)) throw err;
    const details = Object.entries(err.data)
      .map(([field, e]) => `  ${field}: ${'message' in e ? String(e.message) : JSON.stringify(e)}`)
      .join('\n');
    process.stderr.write(`${err.message}\n${details ? details + '\n' : ''}`);
    return 1;
  } finally {
    await app.close();
  }
}
