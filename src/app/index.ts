// The composition root: configuration in, a running Plinth out. Opening order:
// database → system migrations → core services → HTTP server. Closing runs in reverse,
// letting in-flight requests finish before the database closes.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { pino, type Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Database } from '../db/types.js';
import { openSqlite } from '../db/sqlite/index.js';
import { openPostgres } from '../db/postgres/index.js';
import { createCore, type Core } from '../core/index.js';
import { systemClock } from '../lib/clock.js';
import { createHttpServer, type HttpServerOptions } from '../http/server.js';
import { buildRoutes } from '../http/routes/index.js';
import { realtimeWsRoutes } from '../http/routes/realtime-ws.js';
import { clientIp, trustedProxyReader } from '../http/client-ip.js';
import { RateLimiter } from '../http/rate-limit/index.js';
import { SuperuserAllowlist } from '../http/superuser-allowlist.js';
import { rateLimitStoreFor } from '../core/rate-limits/index.js';
import { openBrokerMessages } from './realtime-broker.js';
import { trackSilentConnections } from '../http/silent-connections.js';
import { createLocalStore, createS3Store } from '../storage/index.js';
import type { BlobStoreFactory } from '../core/files/file-storage.js';
import type { UserMigrations } from '../core/migrations/index.js';
import { userMigrationsFor } from './user-migrations.js';
import { createExtensions, type Extensions } from './extensions.js';
import { DatabaseCronLease, soloCronLease, systemCronJobs, type CronLease } from '../core/cron/index.js';
import { AppEvent, ServeEvent } from '../core/hooks/index.js';
import { cronRoutes } from '../http/routes/crons.js';
import { jobRoutes } from '../http/routes/jobs.js';
import { webhookRoutes } from '../http/routes/webhooks.js';

export interface PlinthApp {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: Database;
  readonly core: Core;
  readonly migrations: Core['migrations'];
  /** The project's migration files (config.migrationsDir); applied after the system ones. */
  readonly userMigrations: UserMigrations;
  /** Hooks, custom routes and cron jobs. */
  readonly extensions: Extensions;
  /** Starts listening; resolves with the base URL. */
  listen(): Promise<string>;
  /** Stops accepting connections, waits for in-flight requests, closes the database. */
  close(): Promise<void>;
  describeStorage(): string;
}

/** On stop, how long running jobs may take to finish before they are aborted. */
const JOB_STOP_GRACE_MS = 10_000;

export interface OpenOptions {
  /** No informational logging (CLI commands other than serve). */
  quiet?: boolean;
  /** Apply pending system migrations on open (default true). */
  migrate?: boolean;
  logger?: Logger;
  /** Hooks, routes and cron jobs registered before opening (library mode); fresh ones otherwise. */
  extensions?: Extensions;
}

/** File stores: `<data dir>/storage` (PocketBase's layout), or S3 when the settings enable it. */
function blobStores(config: Config): BlobStoreFactory {
  return {
    local: () => createLocalStore(join(resolve(config.dir), 'storage')),
    s3: (settings) => createS3Store(settings),
  };
}

async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  if (config.databaseUrl) {
    // Idle pooled connections that fail, a lost listening connection, a node message that could not be read.
    const onIdleError = (err: Error): void => logger.warn({ err }, 'database: background connection trouble');
    return openPostgres({ url: config.databaseUrl, onIdleError });
  }
  const dir = resolve(config.dir);
  mkdirSync(dir, { recursive: true });
  return openSqlite({ file: join(dir, 'data.db'), synchronous: config.sqliteSync });
}

export async function openApp(config: Config, options: OpenOptions = {}): Promise<PlinthApp> {
  const logger = options.logger ?? pino({ level: options.quiet ? 'warn' : config.logLevel });
  const db = await openDatabase(config, logger);
  let core!: Core;
  const extensions = options.extensions ?? createExtensions({ logger, clock: systemClock, bodyLimit: config.bodyLimit });
  // With several nodes on PostgreSQL, a lease in the database picks the one running each tick.
  const lease: CronLease = db.dialect.name === 'postgres' ? new DatabaseCronLease(db, logger) : soloCronLease;
  extensions.attach({ appFor: () => core.appFor(), lease });
  let userMigrations: UserMigrations;
  try {
    const relayMessages = await openBrokerMessages(config, db, logger);
    core = await createCore({
      db,
      clock: systemClock,
      logger,
      bodyLimit: config.bodyLimit,
      relayMessages,
      blobStores: blobStores(config),
      hooks: extensions.hooks,
      jobDefinitions: extensions.jobs,
      webhooks: { retries: config.webhookRetries, outboundAllow: config.outboundAllow },
    });
    userMigrations = userMigrationsFor(config, core, logger);
    if (options.migrate !== false) {
      await core.migrations.up();
      await userMigrations.up();
      await core.reload();
    }
    await extensions.hooks.bootstrap.trigger(new AppEvent(core.appFor()));
  } catch (err) {
    await db.close();
    throw err;
  }

  let server: Server | null = null;
  let silent: { dropSilent(): void } | null = null;

  return {
    config,
    logger,
    db,
    core,
    migrations: core.migrations,
    userMigrations,
    extensions,
    async listen() {
      // Other nodes' record events reach this node's clients from the first request on.
      await core.startRelay();
      const edge = edgeChecks(core, config, logger);
      const realtimeWs = realtimeWsRoutes(core, { authenticate: edge.authenticate, logger });
      server = createHttpServer({
        routes: [
          ...buildRoutes(core, { bodyLimit: config.bodyLimit, superuserAdmits: edge.superuserAdmits }),
          ...cronRoutes(extensions.cron),
          ...jobRoutes(core.jobs),
          ...webhookRoutes(core.webhooks, { bodyLimit: config.bodyLimit }),
          ...realtimeWs,
        ],
        upgrades: realtimeWs,
        custom: extensions.routes,
        ...edge,
        logger,
      });
      const srv = server;
      silent = trackSilentConnections(srv);
      const serving = new ServeEvent(core.appFor());
      await extensions.hooks.serve.trigger(serving, async () => {
        await new Promise<void>((resolveListen, reject) => {
          srv.once('error', reject);
          srv.listen(config.http.port, config.http.host, () => resolveListen());
        });
        const address = srv.address() as AddressInfo;
        const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        serving.address = `http://${host}:${address.port}`;
      });
      if (!srv.listening) throw new Error('a serve hook stopped the server from starting (it did not call e.next())');
      for (const job of systemCronJobs({ db, deleteExpiredAuthCodes: () => core.otp.deleteExpired(), pruneJobs: () => core.pruneJobs() })) {
        extensions.cron.add(job.id, job.expression, job.fn);
      }
      extensions.cron.start();
      if (config.jobs.workers) await core.jobs.start({ pollMs: config.jobs.pollMs, leaseMs: config.jobs.leaseMs, graceMs: JOB_STOP_GRACE_MS });
      return serving.address;
    },
    async close() {
      await extensions.hooks.terminate
        .trigger(new AppEvent(core.appFor()))
        .catch((err: unknown) => logger.error({ err }, 'hooks: a terminate handler failed'));
      // Scheduled runs finish first; no new tick starts.
      await extensions.cron.stop();
      // Open event streams and WebSockets never end by themselves: without this the server would wait for them.
      core.realtime.closeAll();
      if (server) {
        const srv = server;
        await new Promise<void>((resolveClose) => {
          srv.close(() => resolveClose());
          srv.closeIdleConnections();
          silent?.dropSilent();
        });
      }
      // Running jobs get a grace period to finish; the rest run again later (their lease lapses).
      await core.jobs.stop();
      // Mails still waiting for a retry are given up (and logged) rather than holding the exit.
      core.mail.close();
      // Events of the last writes still go out to the other nodes before the database closes.
      await core.realtimeRelay?.close();
      await core.files.close();
      await db.close();
    },
    describeStorage() {
      return config.databaseUrl ? 'PostgreSQL' : `SQLite in ${resolve(config.dir)}`;
    },
  };
}

/**
 * What the HTTP edge checks before a handler runs: the client IP (trusted proxies from the
 * settings), the superuser allowlist, and rate limits (counters in PostgreSQL when several
 * nodes may share it, in memory on SQLite).
 */
function edgeChecks(
  core: Core,
  config: Config,
  logger: Logger,
): Pick<HttpServerOptions, 'authenticate' | 'clientIp' | 'guards'> & { superuserAdmits(ip: string): boolean } {
  const collection = (ref: string) => core.registry.byNameOrId(ref);
  const allowlist = new SuperuserAllowlist({ configured: config.superuserIps, settingsList: () => core.settings.get().superuserIPs, collection });
  const limiter = new RateLimiter({
    section: () => core.settings.get().rateLimits,
    store: rateLimitStoreFor(core.db),
    collection,
    clock: core.clock,
    logger,
  });
  const proxy = trustedProxyReader(() => core.settings.get().trustedProxy);
  return {
    authenticate: async (header, ip) => allowlist.screen(await core.auth.authenticate(header), ip),
    clientIp: (req) => clientIp(req, proxy()),
    guards: [(route) => limiter.guardFor(route), (route) => allowlist.guardFor(route)],
    superuserAdmits: (ip) => allowlist.admits(ip),
  };
}
