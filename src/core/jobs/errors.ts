// What a handler can throw to steer its job beyond "failed, retry by the backoff".

const RETRY_BRAND = Symbol.for('plinth.jobs.retryLater');
const GIVE_UP_BRAND = Symbol.for('plinth.jobs.giveUp');

/** The run failed; retry no sooner than `delayMs` from now (e.g. a 429's Retry-After). */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
  readonly [RETRY_BRAND] = true;
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
  }
}

/** The run failed and retrying cannot help: the job is dead now, whatever attempts are left. */
export class GiveUpError extends Error {
  override name = 'GiveUpError';
  readonly [GIVE_UP_BRAND] = true;
}

// Brands rather than instanceof: hook files may load their own copy of these classes.
export function isRetryLater(err: unknown): err is RetryLaterError {
  return typeof err === 'object' && err !== null && RETRY_BRAND in err;
}

export function isGiveUp(err: unknown): err is GiveUpError {
  return typeof err === 'object' && err !== null && GIVE_UP_BRAND in err;
}
