import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig, type Config } from '../config/index.js';
import { openApp, type PlinthApp } from '../app/index.js';
import { blankMigrationSource, migrationSlug, snapshotMigrationSource, UserMigrationError, writeMigrationFile } from '../core/migrations/index.js';
import { systemClock } from '../lib/clock.js';
import { parseFlags, DATA_FLAGS, stringFlag, UsageError } from './args.js';
import { MIGRATE_USAGE } from './usage.js';

/** Where the command writes; tests pass their own to read the output. */
export interface CommandOutput {
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}

const ACTIONS = ['up', 'down', 'create', 'collections', 'history-sync', 'list'] as const;
type Action = (typeof ACTIONS)[number];

const isAction = (value: string | undefined): value is Action => ACTIONS.includes(value as Action);

/** The positional arguments each action takes (checked before anything is opened). */
function checkArguments(action: Action, rest: string[]): void {
  const max = action === 'down' || action === 'create' ? 1 : 0;
  if (rest.length > max) throw new UsageError('too many arguments');
  if (action === 'create' && rest.length === 0) throw new UsageError('migrate create needs a NAME');
  if (action === 'down' && rest[0] !== undefined && !/^[1-9]\d*$/.test(rest[0])) {
    throw new UsageError(`invalid count "${rest[0]}" (a positive number)`);
  }
}

export async function migrateCommand(argv: string[], output: CommandOutput = { out: process.stdout, err: process.stderr }): Promise<number> {
  const { flags, positionals } = parseFlags(argv, { ...DATA_FLAGS, 'migrations-dir': { type: 'string' } });
  if (flags.help) {
    output.out.write(MIGRATE_USAGE);
    return 0;
  }
  const [action, ...rest] = positionals;
  if (!isAction(action)) throw new UsageError(`unknown or missing action "${action ?? ''}"`);
  checkArguments(action, rest);
  const config = loadConfig(
    { dir: stringFlag(flags, 'dir'), db: stringFlag(flags, 'db'), migrationsDir: stringFlag(flags, 'migrations-dir') },
    { dirExists: existsSync },
  );
  if (action === 'create') {
    const path = writeMigrationFile(resolve(config.migrationsDir), migrationSlug(rest[0] ?? ''), {
      source: blankMigrationSource(),
      clock: systemClock,
    });
    output.out.write(`${path}\n`);
    return 0;
  }
  const app = await openApp(config, { quiet: true, migrate: false });
  try {
    await runAction(app, { action, rest, config }, output.out);
    return 0;
  } catch (err) {
    if (!(err instanceof UserMigrationError)) throw err;
    output.err.write(`${err.message}\n`);
    return 1;
  } finally {
    await app.close();
  }
}

async function runAction(
  app: PlinthApp,
  command: { action: Exclude<Action, 'create'>; rest: string[]; config: Config },
  out: CommandOutput['out'],
): Promise<void> {
  const print = (lines: string[], none: string): void => {
    out.write(lines.length > 0 ? lines.map((line) => `${line}\n`).join('') : `${none}\n`);
  };
  switch (command.action) {
    case 'up': {
      // System migrations first: user migrations may build on what they create.
      const system = await app.migrations.up();
      const user = await app.userMigrations.up();
      print([...system, ...user].map((f) => `applied ${f}`), 'No pending migrations.');
      return;
    }
    case 'down': {
      const reverted = await app.userMigrations.down(Number(command.rest[0] ?? '1'));
      print(reverted.map((f) => `reverted ${f}`), 'No applied migration files to revert.');
      return;
    }
    case 'collections': {
      await app.core.store.reload();
      const path = writeMigrationFile(app.userMigrations.dir, 'collections_snapshot', {
        source: snapshotMigrationSource(app.core.store.list()),
        clock: app.core.clock,
      });
      out.write(`${path}\n`);
      return;
    }
    case 'history-sync': {
      const removed = await app.userMigrations.historySync();
      print(removed.map((f) => `forgot ${f}`), 'Nothing to sync: every recorded migration file exists.');
      return;
    }
    case 'list': {
      const all = [...(await app.migrations.list()), ...(await app.userMigrations.list())];
      print(all.map((m) => `${m.applied ? '[x]' : '[ ]'} ${m.file}`), 'No migrations.');
      return;
    }
  }
}
