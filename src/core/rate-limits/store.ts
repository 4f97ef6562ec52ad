// Where rate-limit counters live. One port, two adapters: process memory for a single node
// (SQLite), the database for several nodes sharing one PostgreSQL.
//
// Both count a fixed window per key, as PocketBase does: the first hit opens a window of
// `durationMs`; hits inside it count up to `maxRequests`; the first hit after it opens a new
// one. Each key has its own window start, so windows do not all reset on the same tick.
// A refused hit is counted as well, capped at `maxRequests + 1`: it only matters when the
// allowance changes inside a running window, and then both adapters agree.

export interface RateLimitWindow {
  maxRequests: number;
  durationMs: number;
}

/** One hit on one counter: `key` names the rule's bucket and the client. */
export interface RateLimitHit extends RateLimitWindow {
  key: string;
}

export interface RateLimitStore {
  /**
   * Counts one hit on each key (the keys of one call are distinct) at `nowMs`; for each hit,
   * false when its window's allowance is used up. One call per request, however many rules
   * apply, so a database store needs one round trip.
   */
  consume(hits: readonly RateLimitHit[], nowMs: number): Promise<boolean[]> | boolean[];
}

interface Counter {
  /** When the current window ends (ms since epoch). */
  ends: number;
  hits: number;
}

export interface MemoryStoreOptions {
  /** Most keys kept at once; past it, expired windows go first, then the oldest keys. */
  maxKeys?: number;
  /** How often (ms) expired windows are swept out. */
  sweepEveryMs?: number;
}

/**
 * Counters in a Map. Memory stays bounded: expired windows are swept out periodically (on
 * a hit, not on a timer, so an idle process does no work), and past `maxKeys` the oldest
 * entry is dropped, which can only let a client through early, never lock one out.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly counters = new Map<string, Counter>();
  private readonly maxKeys: number;
  private readonly sweepEveryMs: number;
  private nextSweep = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.maxKeys = options.maxKeys ?? 100_000;
    this.sweepEveryMs = options.sweepEveryMs ?? 60_000;
  }

  get size(): number {
    return this.counters.size;
  }

  consume(hits: readonly RateLimitHit[], nowMs: number): boolean[] {
    return hits.map((hit) => this.consumeOne(hit.key, hit, nowMs));
  }

  consumeOne(key: string, window: RateLimitWindow, nowMs: number): boolean {
    if (nowMs >= this.nextSweep) {
      this.nextSweep = nowMs + this.sweepEveryMs;
      this.sweep(nowMs);
    }
    let counter = this.counters.get(key);
    if (!counter || nowMs >= counter.ends) {
      if (counter) this.counters.delete(key);
      counter = { ends: nowMs + window.durationMs, hits: 0 };
      this.counters.set(key, counter);
      if (this.counters.size > this.maxKeys) this.dropOldest();
    }
    // Refused hits count too (capped just past the allowance), as in the database store.
    counter.hits = Math.min(counter.hits + 1, window.maxRequests + 1);
    return counter.hits <= window.maxRequests;
  }

  private sweep(nowMs: number): void {
    for (const [key, counter] of this.counters) if (nowMs >= counter.ends) this.counters.delete(key);
  }

  /**
   * O(1), so a flood of new keys costs no more per hit. Map order is insertion order and a
   * key is re-inserted when its window restarts, so the first entry is the oldest window.
   */
  private dropOldest(): void {
    const oldest = this.counters.keys().next();
    if (!oldest.done) this.counters.delete(oldest.value);
  }
}
