// Known devices of an account (`_authOrigins`) and the login alert for a new one, as
// PocketBase records them: a fingerprint of client IP + user agent per login; the first
// login of an account only records it, a later login from an unseen fingerprint mails an
// alert. Only the five most recent origins are kept.
import { createHash } from 'node:crypto';
import type { Executor } from '../../db/types.js';
import type { Clock } from '../../lib/clock.js';
import { formatDateTime } from '../../lib/dates.js';
import { newRecordId } from '../../lib/ids.js';
import type { AuthMailer } from '../mail/types.js';
import type { RecordModel } from '../records/record.js';

const MAX_ORIGINS = 5;
const MAX_USER_AGENT = 200;

export interface LoginClient {
  ip: string;
  userAgent: string;
}

export interface AuthOriginDeps {
  exec: Executor;
  clock: Clock;
  mail: AuthMailer;
}

/** PocketBase's fingerprint (MD5 of IP + shortened user agent), so its stored rows still match. */
export function originFingerprint(client: LoginClient): string {
  const agent = client.userAgent.length > MAX_USER_AGENT ? `${client.userAgent.slice(0, MAX_USER_AGENT)}...` : client.userAgent;
  return createHash('md5').update(client.ip + agent).digest('hex');
}

/** Records the login's origin; sends the new-device alert when this origin is new and not the first. */
export async function trackLoginOrigin(deps: AuthOriginDeps, record: RecordModel, client: LoginClient): Promise<void> {
  const { exec } = deps;
  const collectionId = record.collection.id;
  const recordId = String(record.values.id);
  const fingerprint = originFingerprint(client);
  const origins = await exec.all<{ id: string; fingerprint: string }>(
    `SELECT "id", "fingerprint" FROM "_authOrigins" WHERE "collectionRef" = ? AND "recordRef" = ? ORDER BY "created" DESC`,
    [collectionId, recordId],
  );
  const now = formatDateTime(deps.clock.now());
  const known = origins.find((o) => o.fingerprint === fingerprint);
  if (known) {
    await exec.run(`UPDATE "_authOrigins" SET "updated" = ? WHERE "id" = ?`, [now, known.id]);
    return;
  }
  if (origins.length >= MAX_ORIGINS) {
    const stale = origins.slice(MAX_ORIGINS - 1).map((o) => o.id);
    await exec.run(`DELETE FROM "_authOrigins" WHERE "id" IN (${stale.map(() => '?').join(', ')})`, stale);
  }
  await exec.run(
    `INSERT INTO "_authOrigins" ("id", "collectionRef", "recordRef", "fingerprint", "created", "updated") VALUES (?, ?, ?, ?, ?, ?)`,
    [newRecordId(), collectionId, recordId, fingerprint, now, now],
  );
  const email = String(record.values.email ?? '');
  if (origins.length > 0 && email !== '') await deps.mail.sendLoginAlert(record, client);
}
