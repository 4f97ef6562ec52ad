// Rate-limit counters in PostgreSQL, so every Plinth node in front of one database counts
// against the same windows. One statement per request, whatever the number of rules that
// apply: an upsert that opens, restarts or bumps each key's window and returns the counts,
// atomic under concurrent hits on the same key.
//
// The table is UNLOGGED: counters are worth nothing after a crash, and skipping the WAL
// keeps a hit about as cheap as a primary-key lookup. It is created on first use, so an
// installation that never enables rate limits never gets it.
//
// A client over its allowance is remembered in this process until its window ends, so a
// flood costs the database at most `maxRequests + 1` statements per key, window and node.
import type { Database, SqlValue } from '../../db/types.js';
import type { RateLimitHit, RateLimitStore } from './store.js';

export const RATE_LIMITS_TABLE = '_plinthRateLimits';

/** Expired rows are deleted at most this often per node. */
const SWEEP_EVERY_MS = 60_000;
/** Most refused keys remembered locally; past it the oldest are forgotten (and asked again). */
const MAX_REFUSED_KEYS = 10_000;

interface Refusal {
  ends: number;
  maxRequests: number;
}

export class DatabaseRateLimitStore implements RateLimitStore {
  private ready: Promise<void> | null = null;
  private nextSweep = 0;
  private readonly refused = new Map<string, Refusal>();
  private readonly sqlByCount = new Map<number, string>();

  constructor(private readonly db: Database) {}

  async consume(hits: readonly RateLimitHit[], nowMs: number): Promise<boolean[]> {
    const results = hits.map((hit) => !this.stillRefused(hit, nowMs));
    const pending = hits.filter((_, i) => results[i]);
    if (pending.length === 0) return results;
    await (this.ready ??= this.createTable());
    if (nowMs >= this.nextSweep) {
      this.nextSweep = nowMs + SWEEP_EVERY_MS;
      void this.sweep(nowMs);
    }
    const params: SqlValue[] = [];
    // The stored count is capped just past the allowance: it only needs to say "over".
    for (const hit of pending) params.push(hit.key, nowMs + hit.durationMs, hit.maxRequests + 1);
    params.push(nowMs, nowMs);
    const rows = await this.db.all<{ key: string; hits: number; ends: number | string }>(this.upsertSql(pending.length), params);
    const counted = new Map(rows.map((row) => [row.key, row]));
    return hits.map((hit, i) => {
      if (!results[i]) return false;
      const row = counted.get(hit.key);
      if (!row || Number(row.hits) <= hit.maxRequests) return true;
      this.remember(hit, Number(row.ends));
      return false;
    });
  }

  /** Deletes windows that have ended; a failure only postpones it to the next sweep. */
  async sweep(nowMs: number): Promise<number> {
    for (const [key, refusal] of this.refused) if (refusal.ends <= nowMs) this.refused.delete(key);
    try {
      const t = this.db.dialect.quoteIdent(RATE_LIMITS_TABLE);
      const { changes } = await this.db.run(`DELETE FROM ${t} WHERE "ends" <= ?`, [nowMs]);
      return changes;
    } catch {
      return 0;
    }
  }

  private stillRefused(hit: RateLimitHit, nowMs: number): boolean {
    const refusal = this.refused.get(hit.key);
    if (!refusal) return false;
    // A raised allowance is asked about again at once.
    if (refusal.ends > nowMs && refusal.maxRequests >= hit.maxRequests) return true;
    this.refused.delete(hit.key);
    return false;
  }

  private remember(hit: RateLimitHit, ends: number): void {
    this.refused.set(hit.key, { ends, maxRequests: hit.maxRequests });
    if (this.refused.size > MAX_REFUSED_KEYS) {
      const oldest = this.refused.keys().next();
      if (!oldest.done) this.refused.delete(oldest.value);
    }
  }

  /**
   * Parameters: (key, window end for a new window, cap) per hit, then now, now. The cap
   * travels in its own column so that one plain multi-row upsert (cheap to plan: the driver
   * sends unnamed statements) can give each key its own.
   */
  private upsertSql(count: number): string {
    let sql = this.sqlByCount.get(count);
    if (!sql) {
      const t = this.db.dialect.quoteIdent(RATE_LIMITS_TABLE);
      const rows = Array.from({ length: count }, () => '(?, ?, 1, ?)').join(', ');
      sql =
        `INSERT INTO ${t} AS t ("key", "ends", "hits", "cap") VALUES ${rows} ` +
        `ON CONFLICT ("key") DO UPDATE SET ` +
        `"ends" = CASE WHEN t."ends" <= ? THEN EXCLUDED."ends" ELSE t."ends" END, ` +
        `"hits" = CASE WHEN t."ends" <= ? THEN 1 ELSE LEAST(t."hits" + 1, EXCLUDED."cap") END, ` +
        `"cap" = EXCLUDED."cap" ` +
        `RETURNING "key", "hits", "ends"`;
      this.sqlByCount.set(count, sql);
    }
    return sql;
  }

  private async createTable(): Promise<void> {
    const t = this.db.dialect.quoteIdent(RATE_LIMITS_TABLE);
    try {
      // fillfactor leaves room on each page so a bump is a HOT update (no index write).
      await this.db.exec(
        `CREATE UNLOGGED TABLE IF NOT EXISTS ${t} ("key" TEXT PRIMARY KEY NOT NULL, "ends" BIGINT NOT NULL, "hits" INTEGER NOT NULL, "cap" INTEGER NOT NULL) WITH (fillfactor = 70)`,
      );
    } catch (err) {
      // Two nodes creating it at the same moment: one of them loses the race, which is fine.
      if (!(await this.db.tableExists(RATE_LIMITS_TABLE))) {
        this.ready = null;
        throw err;
      }
    }
  }
}
