// Which BlobStore file fields use right now: the local directory by default, S3-compatible
// storage while the settings' `s3.enabled` is on. The adapters are made by the composition
// root (core knows only the port); a settings change swaps the store for the next request,
// and the store it replaced is closed once nothing new can reach it.
import type { Logger } from 'pino';
import type { BlobStore } from '../../storage/types.js';
import type { S3Settings, SettingsStore } from '../settings.js';

export interface BlobStoreFactory {
  /** The local store (`<data dir>/storage`, PocketBase's layout). */
  local(): BlobStore;
  s3(settings: S3Settings): BlobStore;
}

export class FileStorage {
  private store: BlobStore;
  private s3Key: string | null;

  constructor(private readonly deps: { factory: BlobStoreFactory; settings: SettingsStore; logger: Logger }) {
    this.s3Key = null;
    this.store = deps.factory.local();
    this.apply(deps.settings.get().s3);
    deps.settings.onChange((settings) => this.apply(settings.s3));
  }

  /** The store for reads and writes made from now on. */
  current(): BlobStore {
    return this.store;
  }

  /** A store of its own on the given S3 settings (for testing them); the caller closes it. */
  openS3(s3: S3Settings): BlobStore {
    return this.deps.factory.s3(s3);
  }

  async close(): Promise<void> {
    await this.store.close();
  }

  private apply(s3: S3Settings): void {
    const key = s3.enabled ? JSON.stringify(s3) : null;
    if (key === this.s3Key) return;
    const previous = this.store;
    this.store = s3.enabled ? this.deps.factory.s3(s3) : this.deps.factory.local();
    this.s3Key = key;
    previous.close().catch((err: unknown) => this.deps.logger.warn({ err }, 'files: could not close the previous store'));
  }
}
