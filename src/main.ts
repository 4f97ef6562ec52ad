// Process entry: dispatches to one command module per subcommand.
import { ConfigError } from './config/index.js';
import { UsageError } from './cli/args.js';
import { serveCommand } from './cli/serve.js';
import { superuserCommand } from './cli/superuser.js';
import { migrateCommand } from './cli/migrate.js';
import { typegenCommand } from './cli/typegen.js';
import { MAIN_USAGE, MIGRATE_USAGE, SERVE_USAGE, SUPERUSER_USAGE, TYPEGEN_USAGE } from './cli/usage.js';

const COMMANDS: Record<string, { run(argv: string[]): Promise<number>; usage: string }> = {
  serve: { run: serveCommand, usage: SERVE_USAGE },
  superuser: { run: superuserCommand, usage: SUPERUSER_USAGE },
  migrate: { run: migrateCommand, usage: MIGRATE_USAGE },
  typegen: { run: typegenCommand, usage: TYPEGEN_USAGE },
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(MAIN_USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`unknown command "${name}"\n\n${MAIN_USAGE}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n\n${command.usage}`);
      return 2;
    }
    throw err;
  }
}
