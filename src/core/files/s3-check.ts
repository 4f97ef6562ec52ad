// POST /api/settings/test/s3: does the configured S3 storage work? As PocketBase does, it
// uploads a small file under a fresh prefix and deletes that prefix again, which needs
// every permission file fields use (write, list, delete). What goes wrong is told in our
// own words (see BlobStoreError); what the service said goes to the log.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { BlobStoreError } from '../../storage/errors.js';
import { badRequest, fieldError, ValidationError } from '../errors/index.js';
import type { SettingsStore } from '../settings.js';
import type { FileStorage } from './file-storage.js';

const FAILED = 'Failed to test the S3 filesystem.';

export async function testS3Filesystem(data: Record<string, unknown>, deps: { settings: SettingsStore; files: FileStorage; logger: Logger }): Promise<void> {
  const filesystem = typeof data.filesystem === 'string' ? data.filesystem : '';
  if (filesystem !== 'storage' && filesystem !== 'backups') {
    const error = filesystem === '' ? fieldError('validation_required', 'Cannot be blank.') : fieldError('validation_in_invalid', 'Must be a valid value.');
    throw new ValidationError({ filesystem: error }, FAILED);
  }
  const settings = deps.settings.get();
  const s3 = filesystem === 'backups' ? settings.backups.s3 : settings.s3;
  if (!s3.enabled) throw badRequest(`${FAILED} Raw error: \nS3 storage filesystem is not enabled`);

  const store = deps.files.openS3(s3);
  const prefix = `pb_settings_test_${randomBytes(4).toString('hex')}/`;
  let step = 'upload a test file';
  try {
    await store.put(`${prefix}test.txt`, Readable.from([Buffer.from('test')]), { contentType: 'text/plain' });
    step = 'delete the test file';
    await store.deletePrefix(prefix);
  } catch (err) {
    deps.logger.warn({ err, filesystem }, 'settings: the S3 test failed');
    const reason = err instanceof BlobStoreError ? err.message : 'An unexpected error occurred.';
    throw badRequest(`${FAILED} Raw error: \nfailed to ${step}: ${reason}`);
  } finally {
    await store.close().catch((err: unknown) => deps.logger.warn({ err }, 'settings: could not close the S3 test store'));
  }
}
