import { existsSync } from 'node:fs';
import { loadConfig } from '../config/index.js';
import type { PlinthApp } from '../app/index.js';
import { createPlinth } from '../app/plinth.js';
import { UserModuleError } from '../app/user-modules.js';
import { parseFlags, DATA_FLAGS, stringFlag } from './args.js';
import { SERVE_USAGE } from './usage.js';

/** On a database without superusers: the one-time link that creates the first one. */
async function firstRunNotice(app: PlinthApp, address: string): Promise<string> {
  if (!(await app.core.superusers.needsFirstSuperuser())) return '';
  const token = await app.core.superusers.firstRunToken();
  return (
    `\nNo superuser exists yet. Open this link within 30 minutes to create the first one:\n` +
    `  ${address}/_/#/pbinstall/${token}\n` +
    `(or run: plinth superuser upsert EMAIL PASSWORD)\n\n`
  );
}

export async function serveCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parseFlags(argv, {
    ...DATA_FLAGS,
    http: { type: 'string' },
    'sqlite-sync': { type: 'string' },
    'log-level': { type: 'string' },
    'body-limit': { type: 'string' },
    'superuser-ips': { type: 'string' },
    'realtime-broker': { type: 'string' },
    'migrations-dir': { type: 'string' },
    automigrate: { type: 'boolean' },
    'hooks-dir': { type: 'string' },
    dev: { type: 'boolean' },
    'job-workers': { type: 'string' },
    'job-poll': { type: 'string' },
    'job-lease': { type: 'string' },
    'webhook-retries': { type: 'string' },
    'outbound-allow': { type: 'string' },
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
      superuserIps: stringFlag(flags, 'superuser-ips'),
      realtimeBroker: stringFlag(flags, 'realtime-broker'),
      migrationsDir: stringFlag(flags, 'migrations-dir'),
      automigrate: flags.automigrate === true ? 'true' : undefined,
      hooksDir: stringFlag(flags, 'hooks-dir'),
      dev: flags.dev === true ? 'true' : undefined,
      jobWorkers: stringFlag(flags, 'job-workers'),
      jobPoll: stringFlag(flags, 'job-poll'),
      jobLease: stringFlag(flags, 'job-lease'),
      webhookRetries: stringFlag(flags, 'webhook-retries'),
      outboundAllow: stringFlag(flags, 'outbound-allow'),
    },
    { dirExists: existsSync },
  );
  if (config.dirNote) process.stderr.write(`${config.dirNote}\n`);

  const plinth = createPlinth({ config });
  // Background work of hooks, routes and cron jobs that rejects with nobody waiting is
  // reported; it never takes the server down.
  process.on('unhandledRejection', (reason: unknown) => {
    plinth.logger.error({ err: reason }, 'a background task failed (a promise rejected with nobody waiting for it)');
  });
  // Signals are handled from here on, so one arriving during start-up still closes cleanly.
  const stopped = new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`${signal} received: finishing in-flight requests…\n`);
      plinth.stop().then(resolve, (err: unknown) => {
        process.stderr.write(`error while stopping: ${err instanceof Error ? err.message : String(err)}\n`);
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  let address: string;
  try {
    address = await plinth.start();
  } catch (err) {
    await plinth.stop();
    if (err instanceof UserModuleError) {
      process.stderr.write(`could not load the hooks: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const app = plinth.running!;
  const hooks = plinth.hookFiles?.files().length ?? 0;
  const hooksNote = hooks > 0 ? `${hooks} hook file${hooks === 1 ? '' : 's'} from ${config.hooksDir}${config.dev ? ', reloaded on change' : ''}\n` : '';
  // One write, so whoever reads the serving line also has the first-run link if there is one.
  const firstRun = await firstRunNotice(app, address).catch(
    (err: unknown) => `(the first-run link could not be prepared: ${err instanceof Error ? err.message : String(err)})\n`,
  );
  process.stderr.write(`Plinth is serving the API at ${address}/api/ (${app.describeStorage()})\n${hooksNote}${firstRun}`);
  await stopped;
  return 0;
}
