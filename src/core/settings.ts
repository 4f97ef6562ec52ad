// Application settings, stored as PocketBase does: one JSON document in `_params` under
// the id `settings`, with PocketBase's sections and key names, so a PocketBase data
// directory's settings load here and what Plinth saves loads in PocketBase. Keys this
// version does not know are kept and written back untouched.
import type { Executor } from '../db/types.js';
import type { Clock } from '../lib/clock.js';
import { formatDateTime } from '../lib/dates.js';
import type { BatchSettings } from './records/batch.js';
import type { S3StoreSettings } from '../storage/s3/s3-store.js';

export const SETTINGS_PARAM_ID = 'settings';

export interface MetaSettings {
  appName: string;
  appURL: string;
  senderName: string;
  senderAddress: string;
  hideControls: boolean;
  accentColor: string;
}

export type SmtpAuthMethod = 'PLAIN' | 'LOGIN';

export interface SmtpSettings {
  enabled: boolean;
  host: string;
  port: number;
  username: string;
  /** Secret: never sent back by the settings API. */
  password: string;
  /** '' means PLAIN (PocketBase's fallback). */
  authMethod: '' | SmtpAuthMethod;
  /** true: implicit TLS from the first byte; false: STARTTLS when the server offers it. */
  tls: boolean;
  /** The EHLO name ('' = "localhost"). */
  localName: string;
}

/** The connection (the store's own settings; `secret` is never sent back by the settings API), and whether it is used. */
export interface S3Settings extends S3StoreSettings {
  enabled: boolean;
}

export interface BackupSettings {
  cron: string;
  cronMaxKeep: number;
  s3: S3Settings;
}

export interface LogSettings {
  maxDays: number;
  minLevel: number;
  logIP: boolean;
  logAuthId: boolean;
}

/** '' = everyone, '@guest' = guests only, '@auth' = authenticated requests only. */
export type RateLimitAudience = '' | '@guest' | '@auth';

export interface RateLimitRule {
  /** A tag (`users:create`, `*:auth`), a path (`/api/batch`) or a path prefix ending in `/`. */
  label: string;
  audience: RateLimitAudience;
  /** Seconds per window. */
  duration: number;
  maxRequests: number;
}

export interface RateLimitSettings {
  enabled: boolean;
  rules: RateLimitRule[];
  excludedIPs: string[];
}

export interface TrustedProxySettings {
  /** Headers to read the client IP from, e.g. `X-Forwarded-For`; empty = the socket address. */
  headers: string[];
  useLeftmostIP: boolean;
}

export interface Settings {
  meta: MetaSettings;
  logs: LogSettings;
  smtp: SmtpSettings;
  s3: S3Settings;
  backups: BackupSettings;
  batch: BatchSettings;
  rateLimits: RateLimitSettings;
  trustedProxy: TrustedProxySettings;
  superuserIPs: string[];
}

export const SETTINGS_SECTIONS = [
  'meta',
  'logs',
  'smtp',
  's3',
  'backups',
  'batch',
  'rateLimits',
  'trustedProxy',
  'superuserIPs',
] as const satisfies readonly (keyof Settings)[];

function defaultS3(): S3Settings {
  return { enabled: false, bucket: '', region: '', endpoint: '', accessKey: '', secret: '', forcePathStyle: false };
}

export function defaultSettings(): Settings {
  return {
    meta: {
      appName: 'Plinth',
      appURL: 'http://127.0.0.1:8090',
      senderName: 'Support',
      senderAddress: 'support@example.com',
      hideControls: false,
      accentColor: '',
    },
    logs: { maxDays: 5, minLevel: 0, logIP: true, logAuthId: false },
    smtp: { enabled: false, host: 'smtp.example.com', port: 587, username: '', password: '', authMethod: '', tls: false, localName: '' },
    s3: defaultS3(),
    backups: { cron: '', cronMaxKeep: 3, s3: defaultS3() },
    // Batch is on by default (PocketBase ships it off): it is the SDK's way to write atomically.
    batch: { enabled: true, maxRequests: 50, timeout: 3, maxBodySize: 0 },
    rateLimits: {
      enabled: false,
      rules: [
        { label: '*:auth', audience: '', duration: 3, maxRequests: 2 },
        { label: '*:create', audience: '', duration: 5, maxRequests: 20 },
        { label: '/api/batch', audience: '', duration: 1, maxRequests: 3 },
        { label: '/api/', audience: '', duration: 10, maxRequests: 300 },
      ],
      excludedIPs: [],
    },
    trustedProxy: { headers: [], useLeftmostIP: false },
    superuserIPs: [],
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Deep merge for objects; arrays and scalars replace (as Go's JSON decoding onto a struct does). */
export function mergeSettingsJson(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? mergeSettingsJson(current, value) : value;
  }
  return out;
}

/** A deep copy with the secrets removed: what the settings API sends (PocketBase omits them too). */
export function publicSettings(settings: Settings): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(settings)) as Record<string, Record<string, unknown>>;
  delete copy.smtp!.password;
  delete copy.s3!.secret;
  delete (copy.backups!.s3 as Record<string, unknown>).secret;
  return copy;
}

export class SettingsStore {
  private current: Settings = defaultSettings();
  /** Stored keys this version does not model, written back as they were. */
  private extra: Record<string, unknown> = {};
  private readonly listeners = new Set<(settings: Settings) => void>();

  /** `announce` tells other nodes on the same database that the settings changed. */
  constructor(private readonly announce: () => Promise<void> = async () => {}) {}

  get(): Settings {
    return this.current;
  }

  /** Called after every load or save with the new settings (e.g. to rebuild the SMTP transport). */
  onChange(listener: (settings: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async load(exec: Executor): Promise<void> {
    const row = await exec.get<{ value: string | null }>(`SELECT "value" FROM "_params" WHERE "id" = ?`, [SETTINGS_PARAM_ID]);
    let stored: Record<string, unknown> = {};
    if (row?.value) {
      try {
        const parsed = JSON.parse(row.value) as unknown;
        if (isPlainObject(parsed)) stored = parsed;
      } catch {
        // Encrypted or damaged settings: run on defaults rather than refuse to start.
      }
    }
    this.apply(coerceStored(stored));
  }

  /**
   * Persists validated settings (the caller validates), applies them at once and tells the
   * other nodes. The `created` stamp is kept; a missing row is created. Call it outside a
   * transaction (or after it commits), since other nodes reload right away.
   */
  async save(exec: Executor, next: Settings, clock: Clock): Promise<void> {
    const document = { ...this.extra, ...next };
    const value = JSON.stringify(document);
    const stamp = formatDateTime(clock.now());
    const updated = await exec.run(`UPDATE "_params" SET "value" = ?, "updated" = ? WHERE "id" = ?`, [value, stamp, SETTINGS_PARAM_ID]);
    if (updated.changes === 0) {
      await exec.run(`INSERT INTO "_params" ("id", "value", "created", "updated") VALUES (?, ?, ?, ?)`, [SETTINGS_PARAM_ID, value, stamp, stamp]);
    }
    this.apply(document);
    await this.announce();
  }

  private apply(document: Record<string, unknown>): void {
    const known = new Set<string>(SETTINGS_SECTIONS);
    this.extra = Object.fromEntries(Object.entries(document).filter(([key]) => !known.has(key)));
    this.current = mergeSettingsJson(defaultSettings() as unknown as Record<string, unknown>, pickKnown(document)) as unknown as Settings;
    for (const listener of this.listeners) listener(this.current);
  }
}

function pickKnown(document: Record<string, unknown>): Record<string, unknown> {
  const known = new Set<string>(SETTINGS_SECTIONS);
  return Object.fromEntries(Object.entries(document).filter(([key]) => known.has(key)));
}

/**
 * A stored document may come from PocketBase or an older Plinth: values of the wrong type
 * fall back to the defaults so the rest of the code can trust the types.
 */
function coerceStored(stored: Record<string, unknown>): Record<string, unknown> {
  return sanitize(defaultSettings() as unknown as Record<string, unknown>, stored);
}

function sanitize(shape: Record<string, unknown>, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const expected = shape[key];
    if (expected === undefined) {
      out[key] = v; // unknown key: kept as is
    } else if (isPlainObject(expected)) {
      if (isPlainObject(v)) out[key] = sanitize(expected, v);
    } else if (Array.isArray(expected)) {
      if (Array.isArray(v)) out[key] = v;
    } else if (typeof v === typeof expected) {
      out[key] = v;
    }
  }
  return out;
}
