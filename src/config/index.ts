// The one typed configuration. Sources, lowest to highest priority:
// built-in defaults < environment variables PLINTH_* < command-line flags.
// This module is the only reader of process.env in the project.
import { IpList } from '../lib/ip-address.js';

export type SyncMode = 'NORMAL' | 'FULL';

export interface Config {
  /** Host and port the HTTP server listens on. */
  http: { host: string; port: number };
  /** Data directory (SQLite database, and later file storage). */
  dir: string;
  /** When set, a postgres:// URL: PostgreSQL is the primary database instead of SQLite. */
  databaseUrl: string | null;
  /** SQLite `synchronous` mode. */
  sqliteSync: SyncMode;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  /** Pino log level. */
  logLevel: string;
  /** Addresses and CIDR ranges superusers may act from; empty = anywhere. */
  superuserIps: string[];
  /**
   * A `redis://`, `rediss://` or `nats://` URL: realtime events travel between nodes through
   * this broker instead of PostgreSQL NOTIFY. Ignored on SQLite (one node).
   */
  realtimeBroker: string | null;
  /** Directory of the project's migration files (relative to the working directory). */
  migrationsDir: string;
  /** Collection changes made through the API are written as migration files. */
  automigrate: boolean;
  /** Directory of the project's hook files (relative to the working directory); '' for none. */
  hooksDir: string;
  /** Development mode: hook files reload on change, collection changes become migration files. */
  dev: boolean;
  /** Set when the data directory was chosen because ./pb_data existed. */
  dirNote: string | null;
  /** Job queue: whether this node runs jobs, how often it looks, how long a claim holds. */
  jobs: { workers: boolean; pollMs: number; leaseMs: number };
  /** Delays before each webhook delivery retry (ms); their count is the number of retries. */
  webhookRetries: number[];
  /** Internal addresses (IPs, CIDR ranges) webhooks may still be sent to; everything internal is refused otherwise. */
  outboundAllow: string[];
}

/** Retries over about a day: 5 s, 1 min, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_WEBHOOK_RETRIES = [5_000, 60_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

export const DEFAULT_BODY_LIMIT = 32 << 20;

export const DEFAULTS: Config = {
  http: { host: '127.0.0.1', port: 8090 },
  dir: 'plinth_data',
  databaseUrl: null,
  sqliteSync: 'NORMAL',
  bodyLimit: DEFAULT_BODY_LIMIT,
  logLevel: 'info',
  superuserIps: [],
  realtimeBroker: null,
  migrationsDir: 'plinth_migrations',
  automigrate: false,
  hooksDir: 'plinth_hooks',
  dev: false,
  dirNote: null,
  jobs: { workers: true, pollMs: 1000, leaseMs: 30_000 },
  webhookRetries: DEFAULT_WEBHOOK_RETRIES,
  outboundAllow: [],
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses `host:port`, `:port` or `port`. */
export function parseHttpAddress(value: string): { host: string; port: number } {
  const match = /^(?:\[?([^\]]*?)\]?:)?(\d{1,5})$/.exec(value.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`invalid --http address "${value}" (expected host:port, e.g. 127.0.0.1:8090)`);
  }
  return { host: match[1] || DEFAULTS.http.host, port };
}

function parseDatabaseUrl(value: string): string {
  if (!/^postgres(ql)?:\/\//i.test(value)) {
    throw new ConfigError(`invalid database URL: only postgres:// URLs are supported (SQLite is the default)`);
  }
  return value;
}

function parseSync(value: string): SyncMode {
  const upper = value.toUpperCase();
  if (upper !== 'NORMAL' && upper !== 'FULL') throw new ConfigError(`invalid sqlite sync mode "${value}" (NORMAL or FULL)`);
  return upper;
}

function parseSize(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`invalid ${name} "${value}" (a positive number of bytes)`);
  return n;
}

/** A comma-separated list of IPs and CIDR ranges (v4 or v6); every entry must parse. */
export function parseIpList(value: string, name: string): string[] {
  const entries = value.split(',').map((e) => e.trim()).filter((e) => e !== '');
  const { invalid } = IpList.parse(entries);
  if (invalid.length > 0) throw new ConfigError(`invalid ${name} entry "${invalid[0]}" (an IP address or a CIDR range such as 10.0.0.0/8)`);
  return entries;
}

const MAX_TIMER_MS = 2 ** 31 - 1;
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `250ms`, `5s`, `1m`, `2h`, or a bare number of milliseconds. */
export function parseDuration(value: string, name: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  const ms = match ? Math.round(Number(match[1]) * DURATION_UNITS[match[2] ?? 'ms']!) : NaN;
  if (!Number.isFinite(ms) || ms < 1) throw new ConfigError(`invalid ${name} "${value}" (a duration such as 500ms, 5s, 1m or 2h)`);
  // Node's timers take at most 2^31-1 ms (about 24.8 days); longer ones fire at once.
  if (ms > MAX_TIMER_MS) throw new ConfigError(`invalid ${name} "${value}" (at most 24 days)`);
  return ms;
}

function parseDurationList(value: string, name: string): number[] {
  const entries = value.split(',').map((e) => e.trim()).filter((e) => e !== '');
  if (entries.length === 0) throw new ConfigError(`invalid ${name} "${value}" (a comma-separated list of durations, e.g. 5s,1m,1h)`);
  return entries.map((e) => parseDuration(e, name));
}

function parseBrokerUrl(value: string): string {
  if (!/^(rediss?|nats):\/\/[^/?#]/i.test(value.trim())) {
    throw new ConfigError(`invalid realtime broker "${value}" (a redis://, rediss:// or nats:// URL, e.g. redis://127.0.0.1:6379)`);
  }
  return value.trim();
}

function parseSwitch(value: string, name: string): boolean {
  const lower = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(lower)) return true;
  if (['false', '0', 'no', 'off', ''].includes(lower)) return false;
  throw new ConfigError(`invalid ${name} value "${value}" (true or false)`);
}

/** Settings given explicitly (flags or env), before defaults are applied. */
export interface ConfigOverrides {
  http?: string;
  dir?: string;
  db?: string;
  sqliteSync?: string;
  bodyLimit?: string;
  logLevel?: string;
  superuserIps?: string;
  realtimeBroker?: string;
  migrationsDir?: string;
  hooksDir?: string;
  /** `true`/`1`/`yes`/`on` or `false`/`0`/`no`/`off` (a bare flag is passed as `true`). */
  dev?: string;
  /** `true`/`1`/`yes`/`on` or `false`/`0`/`no`/`off` (a bare flag is passed as `true`). */
  automigrate?: string;
  /** Whether this node runs queued jobs (`true`/`false`). */
  jobWorkers?: string;
  jobPoll?: string;
  jobLease?: string;
  webhookRetries?: string;
  outboundAllow?: string;
}

export function overridesFromEnv(env: NodeJS.ProcessEnv = process.env): ConfigOverrides {
  const out: ConfigOverrides = {};
  if (env.PLINTH_HTTP) out.http = env.PLINTH_HTTP;
  if (env.PLINTH_DIR) out.dir = env.PLINTH_DIR;
  if (env.PLINTH_DATABASE_URL) out.db = env.PLINTH_DATABASE_URL;
  if (env.PLINTH_SQLITE_SYNC) out.sqliteSync = env.PLINTH_SQLITE_SYNC;
  if (env.PLINTH_BODY_LIMIT) out.bodyLimit = env.PLINTH_BODY_LIMIT;
  if (env.PLINTH_LOG_LEVEL) out.logLevel = env.PLINTH_LOG_LEVEL;
  if (env.PLINTH_SUPERUSER_IPS !== undefined) out.superuserIps = env.PLINTH_SUPERUSER_IPS;
  if (env.PLINTH_REALTIME_BROKER) out.realtimeBroker = env.PLINTH_REALTIME_BROKER;
  if (env.PLINTH_MIGRATIONS_DIR) out.migrationsDir = env.PLINTH_MIGRATIONS_DIR;
  if (env.PLINTH_HOOKS_DIR !== undefined) out.hooksDir = env.PLINTH_HOOKS_DIR;
  if (env.PLINTH_DEV) out.dev = env.PLINTH_DEV;
  if (env.PLINTH_AUTOMIGRATE) out.automigrate = env.PLINTH_AUTOMIGRATE;
  if (env.PLINTH_JOB_WORKERS) out.jobWorkers = env.PLINTH_JOB_WORKERS;
  if (env.PLINTH_JOB_POLL) out.jobPoll = env.PLINTH_JOB_POLL;
  if (env.PLINTH_JOB_LEASE) out.jobLease = env.PLINTH_JOB_LEASE;
  if (env.PLINTH_WEBHOOK_RETRIES) out.webhookRetries = env.PLINTH_WEBHOOK_RETRIES;
  if (env.PLINTH_OUTBOUND_ALLOW !== undefined) out.outboundAllow = env.PLINTH_OUTBOUND_ALLOW;
  return out;
}

/**
 * Builds the config from defaults, env and flags. `dirExists` lets the caller apply the
 * pb_data fallback: with no explicit dir, an existing ./pb_data is served when ./plinth_data is absent.
 */
export function loadConfig(
  flags: ConfigOverrides,
  options: { env?: NodeJS.ProcessEnv; dirExists?: (path: string) => boolean } = {},
): Config {
  const merged: ConfigOverrides = { ...overridesFromEnv(options.env), ...stripUndefined(flags) };
  const config: Config = structuredClone(DEFAULTS);
  if (merged.http) config.http = parseHttpAddress(merged.http);
  if (merged.db) config.databaseUrl = parseDatabaseUrl(merged.db);
  if (merged.sqliteSync) config.sqliteSync = parseSync(merged.sqliteSync);
  if (merged.bodyLimit) config.bodyLimit = parseSize(merged.bodyLimit, 'body limit');
  if (merged.logLevel) config.logLevel = merged.logLevel;
  if (merged.superuserIps !== undefined) config.superuserIps = parseIpList(merged.superuserIps, 'superuser IPs');
  if (merged.realtimeBroker) config.realtimeBroker = parseBrokerUrl(merged.realtimeBroker);
  if (merged.migrationsDir) config.migrationsDir = merged.migrationsDir;
  if (merged.hooksDir !== undefined) config.hooksDir = merged.hooksDir;
  if (merged.dev !== undefined) config.dev = parseSwitch(merged.dev, 'dev');
  if (merged.automigrate !== undefined) config.automigrate = parseSwitch(merged.automigrate, 'automigrate');
  else if (config.dev) config.automigrate = true;
  if (merged.jobWorkers !== undefined) config.jobs.workers = parseSwitch(merged.jobWorkers, 'job workers');
  if (merged.jobPoll) config.jobs.pollMs = parseDuration(merged.jobPoll, 'job poll interval');
  if (merged.jobLease) config.jobs.leaseMs = parseDuration(merged.jobLease, 'job lease');
  if (merged.webhookRetries) config.webhookRetries = parseDurationList(merged.webhookRetries, 'webhook retries');
  if (merged.outboundAllow !== undefined) config.outboundAllow = parseIpList(merged.outboundAllow, 'outbound allowlist');
  if (merged.dir) {
    config.dir = merged.dir;
  } else if (options.dirExists && !options.dirExists('plinth_data') && options.dirExists('pb_data')) {
    config.dir = 'pb_data';
    config.dirNote = 'Found ./pb_data and no ./plinth_data: serving the existing PocketBase data directory ./pb_data.';
  }
  return config;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
