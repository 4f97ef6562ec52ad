// Cron leadership through the database: the first node to insert (job, minute) into
// _plinthCronTicks runs that tick; the others see the conflict and stand down. It needs
// no lock holder and no heartbeat, so a node that dies mid-minute blocks nobody.
import type { Logger } from 'pino';
import type { Database } from '../../db/types.js';
import type { CronLease } from './scheduler.js';

export const CRON_TICKS_TABLE = '_plinthCronTicks';

const MINUTE_MS = 60_000;
/** Rows older than this are deleted; a tick is only ever claimed in its own minute. */
const KEEP_MINUTES = 24 * 60;
/** How often (in tick minutes) one node prunes old rows. */
const PRUNE_EVERY_MINUTES = 60;

export class DatabaseCronLease implements CronLease {
  private ready: Promise<void> | null = null;
  private lastPrunedMinute = -Infinity;

  constructor(
    private readonly db: Database,
    private readonly logger?: Logger,
  ) {}

  async claim(jobId: string, tickMinute: Date): Promise<boolean> {
    await this.ensureTable();
    const minute = Math.floor(tickMinute.getTime() / MINUTE_MS);
    const { dialect } = this.db;
    const table = dialect.quoteIdent(CRON_TICKS_TABLE);
    const { changes } = await this.db.run(
      `INSERT INTO ${table} (${dialect.quoteIdent('job')}, ${dialect.quoteIdent('tick')}) VALUES (?, ?) ` +
        dialect.upsertSuffix(['job', 'tick'], []),
      [jobId, minute],
    );
    await this.pruneNowAndThen(minute);
    return changes === 1;
  }

  private ensureTable(): Promise<void> {
    // Reset on failure so a database that was briefly unreachable is retried next tick.
    this.ready ??= this.createTable().catch((err: unknown) => {
      this.ready = null;
      throw err;
    });
    return this.ready;
  }

  private async createTable(): Promise<void> {
    const { dialect } = this.db;
    const q = (name: string) => dialect.quoteIdent(name);
    try {
      await this.db.exec(
        `CREATE TABLE IF NOT EXISTS ${q(CRON_TICKS_TABLE)} (${q('job')} TEXT NOT NULL, ` +
          `${q('tick')} ${dialect.bigintType} NOT NULL, PRIMARY KEY (${q('job')}, ${q('tick')}))`,
      );
    } catch (err) {
      // Two PostgreSQL nodes creating the table at once: one of them fails even with
      // IF NOT EXISTS. The table being there afterwards is all that matters.
      if (!(await this.db.tableExists(CRON_TICKS_TABLE))) throw err;
    }
  }

  /**
   * Best effort: the claim has already been made, and failing it now would leave a tick
   * that this node owns but does not run. Old rows only cost space; the next prune gets them.
   */
  private async pruneNowAndThen(minute: number): Promise<void> {
    if (minute - this.lastPrunedMinute < PRUNE_EVERY_MINUTES) return;
    this.lastPrunedMinute = minute;
    const q = this.db.dialect.quoteIdent;
    try {
      await this.db.run(`DELETE FROM ${q(CRON_TICKS_TABLE)} WHERE ${q('tick')} < ?`, [minute - KEEP_MINUTES]);
    } catch (err) {
      this.logger?.warn({ err }, 'could not delete old cron tick claims');
    }
  }
}
