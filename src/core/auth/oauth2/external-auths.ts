// Rows of `_externalAuths`: which provider account (provider + providerId) belongs to which
// auth record of which collection. PocketBase's table, written with plain SQL so a link is
// saved in the same transaction as the account it belongs to.
import type { Executor } from '../../../db/types.js';
import { formatDateTime } from '../../../lib/dates.js';
import { newRecordId } from '../../../lib/ids.js';
import { EXTERNAL_AUTHS_COLLECTION } from '../../collections/names.js';

export interface ExternalAuthLink {
  id: string;
  collectionRef: string;
  recordRef: string;
  provider: string;
  providerId: string;
}

export interface ProviderAccount {
  collectionId: string;
  provider: string;
  providerId: string;
}

function table(exec: Executor): string {
  return exec.dialect.quoteIdent(EXTERNAL_AUTHS_COLLECTION);
}

export async function findLink(exec: Executor, account: ProviderAccount): Promise<ExternalAuthLink | null> {
  const row = await exec.get<ExternalAuthLink>(
    `SELECT "id", "collectionRef", "recordRef", "provider", "providerId" FROM ${table(exec)} ` +
      'WHERE "collectionRef" = ? AND "provider" = ? AND "providerId" = ? LIMIT 1',
    [account.collectionId, account.provider, account.providerId],
  );
  return row ? { ...row } : null;
}

export async function insertLink(exec: Executor, link: ProviderAccount & { recordId: string }, now: Date): Promise<void> {
  const stamp = formatDateTime(now);
  await exec.run(
    `INSERT INTO ${table(exec)} ("id", "collectionRef", "recordRef", "provider", "providerId", "created", "updated") VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [newRecordId(), link.collectionId, link.recordId, link.provider, link.providerId, stamp, stamp],
  );
}

/** Removes every provider link of one record. */
export async function deleteLinksOf(exec: Executor, collectionId: string, recordId: string): Promise<void> {
  await exec.run(`DELETE FROM ${table(exec)} WHERE "collectionRef" = ? AND "recordRef" = ?`, [collectionId, recordId]);
}
