// Retry delays: exponential growth from a base, capped, with jitter so that jobs failing
// together (a receiver down) do not all come back at the same instant.

const MAX_DELAY_MS = 60 * 60 * 1000;

/** Delay before retry `retry` (1-based): base · 2^(retry-1), capped, then a random 50–100 % of it. */
export function exponentialBackoff(baseMs: number, retry: number, random: () => number = Math.random): number {
  const full = Math.min(MAX_DELAY_MS, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(full / 2 + random() * (full / 2));
}

/** A fixed schedule (delay before retry 1, 2, …; the last repeats), each with ±10 % jitter. */
export function scheduleBackoff(scheduleMs: readonly number[], random: () => number = Math.random): (retry: number) => number {
  return (retry) => {
    const base = scheduleMs[Math.min(retry, scheduleMs.length) - 1] ?? 0;
    return Math.round(base * (0.9 + random() * 0.2));
  };
}
