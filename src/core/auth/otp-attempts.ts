// How many times a one-time code may be tried. Codes are a handful of digits, so guessing
// must be bounded twice:
//   - per code: at most OTP_ATTEMPTS_PER_CODE tries over the code's whole life; after that
//     even the right code is refused (a brute-forcing client learns nothing more from it);
//   - per account: at most OTP_ATTEMPTS_PER_RECORD tries in any OTP_RECORD_WINDOW_MS, over
//     all of its codes (PocketBase's own limit: 5 per 3 minutes), so asking for many codes
//     buys no extra guesses.
//
// Every try is a row in a small Plinth table, written *before* the code is checked and
// counted after: the insert commits on its own, so of N concurrent tries the k-th sees at
// least k rows, and no burst can get past the limits. Refused tries take their row back,
// so an attacker hammering an account cannot keep it locked beyond the window. The rows
// live in the database, not in process memory, so several nodes share the same counts.
import type { Database } from '../../db/types.js';
import { randomString } from '../../lib/ids.js';

export const OTP_ATTEMPTS_TABLE = '_plinthOtpAttempts';
export const OTP_ATTEMPTS_PER_CODE = 5;
export const OTP_ATTEMPTS_PER_RECORD = 5;
export const OTP_RECORD_WINDOW_MS = 180_000;

export type AttemptVerdict = 'allowed' | 'code_exhausted' | 'record_throttled';

export interface AttemptTarget {
  otpId: string;
  collectionId: string;
  recordId: string;
}

export class OtpAttemptGuard {
  private ready: Promise<void> | null = null;

  constructor(private readonly db: Database) {}

  /** Records one try of the code and says whether it may be checked. */
  async reserve(target: AttemptTarget, nowMs: number): Promise<AttemptVerdict> {
    await this.ensureTable();
    const t = this.db.dialect.quoteIdent(OTP_ATTEMPTS_TABLE);
    const id = randomString(20);
    const recordKey = `${target.collectionId}/${target.recordId}`;
    await this.db.run(`INSERT INTO ${t} ("id", "otpId", "recordKey", "at") VALUES (?, ?, ?, ?)`, [id, target.otpId, recordKey, nowMs]);
    const row = await this.db.get<{ forCode: number | null; forRecord: number | null }>(
      `SELECT SUM(CASE WHEN "otpId" = ? THEN 1 ELSE 0 END) AS "forCode", ` +
        `SUM(CASE WHEN "recordKey" = ? AND "at" > ? THEN 1 ELSE 0 END) AS "forRecord" ` +
        `FROM ${t} WHERE "otpId" = ? OR "recordKey" = ?`,
      [target.otpId, recordKey, nowMs - OTP_RECORD_WINDOW_MS, target.otpId, recordKey],
    );
    const verdict: AttemptVerdict =
      Number(row?.forCode ?? 0) > OTP_ATTEMPTS_PER_CODE
        ? 'code_exhausted'
        : Number(row?.forRecord ?? 0) > OTP_ATTEMPTS_PER_RECORD
          ? 'record_throttled'
          : 'allowed';
    if (verdict !== 'allowed') await this.db.run(`DELETE FROM ${t} WHERE "id" = ?`, [id]);
    return verdict;
  }

  /**
   * Deletes tries made before `cutoffMs` (at least the account window ago) for a code
   * that is gone: used, expired and cleaned up, deleted with its account, or never issued.
   */
  async sweep(cutoffMs: number, otpsTable: string): Promise<number> {
    await this.ensureTable();
    const q = this.db.dialect.quoteIdent;
    const { changes } = await this.db.run(
      `DELETE FROM ${q(OTP_ATTEMPTS_TABLE)} WHERE "at" <= ? AND NOT EXISTS (SELECT 1 FROM ${q(otpsTable)} o WHERE o."id" = ${q(OTP_ATTEMPTS_TABLE)}."otpId")`,
      [cutoffMs],
    );
    return changes;
  }

  /** Created on first use (portable DDL), so a database that never sees an OTP never gets it. */
  private ensureTable(): Promise<void> {
    this.ready ??= this.createTable().catch((err: unknown) => {
      this.ready = null;
      throw err;
    });
    return this.ready;
  }

  private async createTable(): Promise<void> {
    const q = this.db.dialect.quoteIdent;
    const t = q(OTP_ATTEMPTS_TABLE);
    try {
      await this.db.exec(
        `CREATE TABLE IF NOT EXISTS ${t} ("id" TEXT PRIMARY KEY NOT NULL, "otpId" TEXT NOT NULL, "recordKey" TEXT NOT NULL, "at" ${this.db.dialect.bigintType} NOT NULL);` +
          `CREATE INDEX IF NOT EXISTS ${q('idx_plinthOtpAttempts_otpId')} ON ${t} ("otpId");` +
          `CREATE INDEX IF NOT EXISTS ${q('idx_plinthOtpAttempts_recordKey_at')} ON ${t} ("recordKey", "at")`,
      );
    } catch (err) {
      // Two nodes creating it at the same moment on PostgreSQL: the loser's error is harmless.
      if (!(await this.db.tableExists(OTP_ATTEMPTS_TABLE))) throw err;
    }
  }
}
