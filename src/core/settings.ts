// Application settings, stored as PocketBase does: one JSON document in `_params` under
// the id `settings`. Only the parts this version uses are typed; the rest is kept as is
// so a PocketBase data directory's settings survive a round trip.
import type { Executor } from '../db/types.js';
import type { BatchSettings } from './records/batch.js';

export const SETTINGS_PARAM_ID = 'settings';

export interface Settings {
  meta: { appName: string; appURL: string; senderName: string; senderAddress: string; hideControls: boolean };
  batch: BatchSettings;
  [section: string]: unknown;
}

export function defaultSettings(): Settings {
  return {
    meta: { appName: 'Plinth', appURL: 'http://127.0.0.1:8090', senderName: 'Support', senderAddress: 'support@example.com', hideControls: false },
    // Batch is on by default (PocketBase ships it off): it is the SDK's way to write atomically.
    batch: { enabled: true, maxRequests: 50, timeout: 3, maxBodySize: 0 },
    logs: { maxDays: 5, minLevel: 0, logIP: true, logAuthId: false },
  };
}

function merge(base: Settings, stored: Record<string, unknown>): Settings {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(stored)) {
    const current = out[key];
    out[key] =
      current && typeof current === 'object' && !Array.isArray(current) && value && typeof value === 'object' && !Array.isArray(value)
        ? { ...(current as object), ...(value as object) }
        : value;
  }
  return out as Settings;
}

export class SettingsStore {
  private current: Settings = defaultSettings();

  get(): Settings {
    return this.current;
  }

  async load(exec: Executor): Promise<void> {
    const row = await exec.get<{ value: string | null }>(`SELECT "value" FROM "_params" WHERE "id" = ?`, [SETTINGS_PARAM_ID]);
    if (!row?.value) {
      this.current = defaultSettings();
      return;
    }
    try {
      const parsed = JSON.parse(row.value) as unknown;
      this.current = parsed && typeof parsed === 'object' ? merge(defaultSettings(), parsed as Record<string, unknown>) : defaultSettings();
    } catch {
      // Encrypted or damaged settings: run on defaults rather than refuse to start.
      this.current = defaultSettings();
    }
  }
}
