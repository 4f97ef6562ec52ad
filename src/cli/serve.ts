import { existsSync } from 'node:fs';
import { loadConfig } from '../config/index.js';
import { openApp } from '../app/index.js';
import { parseFlags, DATA_FLAGS, stringFlag } from './args.js';
import { SERVE_USAGE } from './usage.js';

export async function serveCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parseFlags(argv, {
    ...DATA_FLAGS,
    http: { type: 'string' },
    'sqlite-sync': { type: 'string' },
    'log-level': { type: 'string' },
    'body-limit': { type: 'string' },
  });
  if (flags.help) {
    process.stdout.write(SERVE_USAGE);
    return 0;
  }
  if (positionals.length > 0) {
    process.stderr.write(`unexpected argument "${positionals[0]}"\n\n${SERVE_USAGE}`);
    return 2;
  }
  const config = loadConfig(
    {
      http: stringFlag(flags, 'http'),
      dir: stringFlag(flags, 'dir'),
      db: stringFlag(flags, 'db'),
      sqliteSync: stringFlag(flags, 'sqlite-sync'),
      logLevel: stringFlag(flags, 'log-level'),
      bodyLimit: stringFlag(flags, 'body-limit'),
    },
    { dirExists: existsSync },
  );
  if (config.dirNote) process.stderr.write(`${config.dirNote}\n`);

  const app = await openApp(config);
  let address: string;
  try {
    address = await app.listen();
  } catch (err) {
    await app.close();
    throw err;
  }
  process.stderr.write(`Plinth is serving the API at ${address}/api/ (${app.describeStorage()})\n`);

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`${signal} received: finishing in-flight requests…\n`);
      app.close().then(resolve, (err: unknown) => {
        process.stderr.write(`error while stopping: ${err instanceof Error ? err.message : String(err)}\n`);
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}
