// Short-lived tokens for protected files (PocketBase's `file` token type). They are signed
// like auth tokens, with the account's tokenKey joined to the collection's `fileToken`
// secret, so a password change or a secret rotation voids them; they last `fileToken.duration`
// (three minutes by default) because they travel in URLs, where they end up in logs and histories.
import type { Clock } from '../../lib/clock.js';
import { tokenSecret } from '../auth/authenticate.js';
import { signToken } from '../auth/tokens.js';
import { badRequest } from '../errors/index.js';
import type { RecordModel } from '../records/record.js';

const DEFAULT_FILE_TOKEN_SECONDS = 180;

export async function newFileToken(record: RecordModel, clock: Clock): Promise<string> {
  const collection = record.collection;
  if (collection.type !== 'auth') throw badRequest('Failed to generate file token.');
  const key = String(record.values.tokenKey ?? '') + tokenSecret(collection, 'file');
  return signToken({ type: 'file', id: String(record.values.id), collectionId: collection.id }, key, {
    durationSeconds: collection.auth?.fileToken.duration ?? DEFAULT_FILE_TOKEN_SECONDS,
    clock,
  });
}
