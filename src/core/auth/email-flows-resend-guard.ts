// A short memory of mails already sent, so repeating a request (or a script hammering the
// endpoint) does not flood one mailbox: the same key is granted once per window. It lives
// in process memory, per node — a limit on mail volume, not a security boundary (rate
// limits, which are shared across nodes, are that).
import type { Clock } from '../../lib/clock.js';

const MAX_KEYS = 10_000;

export class ResendGuard {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly windowMs: number,
  ) {}

  /** True (and the key is held for the window) when the key is free; false while it is held. */
  claim(key: string): boolean {
    const now = this.clock.now().getTime();
    this.prune(now);
    const held = this.until.get(key);
    if (held !== undefined && held > now) return false;
    this.until.set(key, now + this.windowMs);
    return true;
  }

  release(key: string): void {
    this.until.delete(key);
  }

  private prune(now: number): void {
    if (this.until.size < MAX_KEYS) return;
    for (const [key, expires] of this.until) if (expires <= now) this.until.delete(key);
    // Still full of live keys: forget the oldest rather than grow without bound.
    while (this.until.size >= MAX_KEYS) this.until.delete(this.until.keys().next().value!);
  }
}
