// Background delivery. A request that triggers a mail hands the message here and moves on:
// sending never blocks or fails the request. A failed attempt is logged (kind, number of
// recipients, the failure's safe description — never the body, which holds tokens) and
// retried with growing delays, in process. A durable, database-backed queue replaces this
// later; until then a restart loses the retries still waiting.
import type { Logger } from 'pino';
import { describeSendFailure } from './smtp-transport.js';
import type { MailMessage, MailTransport } from './types.js';

export interface OutboxOptions {
  transport: MailTransport;
  logger: Logger;
  /** Waits before each retry; its length is the number of retries. */
  retryDelaysMs?: readonly number[];
}

/** 2 s, 10 s, 60 s: rides out a restarting mail server without hammering it. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [2_000, 10_000, 60_000];

export class MailOutbox {
  /** Tunable at run time (tests shorten it). */
  retryDelaysMs: readonly number[];
  private readonly pending = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly wakeups = new Set<() => void>();
  private closed = false;
  private idleWaiters = 0;

  constructor(private readonly options: OutboxOptions) {
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  }

  /** Queues a message; returns at once. `kind` names the mail in logs (e.g. "verification"). */
  enqueue(message: MailMessage, kind: string): void {
    if (this.closed) {
      this.options.logger.warn({ kind }, 'mail not sent: the mail outbox is closed');
      return;
    }
    const job = this.deliver(message, kind).catch((err: unknown) => {
      // deliver() handles its own failures; this only guards against a bug escaping.
      this.options.logger.error({ kind, err: describeSendFailure(err).message }, 'mail delivery crashed');
    });
    this.pending.add(job);
    void job.finally(() => this.pending.delete(job));
  }

  /** Sends now, in the caller's time, and rejects with a `MailSendError` on failure (test mails). */
  async sendNow(message: MailMessage): Promise<void> {
    try {
      await this.options.transport.send(message);
    } catch (err) {
      throw describeSendFailure(err);
    }
  }

  /** Resolves when every queued message is delivered or given up (tests and shutdown). */
  async idle(): Promise<void> {
    // Someone is waiting for the retries now, so their timers must keep the process alive.
    this.idleWaiters++;
    for (const timer of this.timers) timer.ref();
    try {
      while (this.pending.size > 0) await Promise.all([...this.pending]);
    } finally {
      this.idleWaiters--;
    }
  }

  /** Stops waiting retries (their messages are given up and logged) and refuses new ones. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const wake of this.wakeups) wake();
    this.wakeups.clear();
  }

  private async deliver(message: MailMessage, kind: string): Promise<void> {
    const { logger, transport } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        await transport.send(message);
        if (attempt > 1) logger.info({ kind, attempt }, 'mail sent after retrying');
        return;
      } catch (err) {
        const failure = describeSendFailure(err);
        const delay = this.retryDelaysMs[attempt - 1];
        const giveUp = failure.permanent || delay === undefined || this.closed;
        const details = { kind, attempt, recipients: message.to.length, code: failure.code, responseCode: failure.responseCode, reason: failure.message };
        if (giveUp) {
          logger.error(details, 'mail not sent: giving up');
          return;
        }
        logger.warn({ ...details, retryInMs: delay }, 'mail not sent: will retry');
        await this.wait(delay);
        if (this.closed) {
          logger.error(details, 'mail not sent: shut down before the retry');
          return;
        }
      }
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.timers.delete(timer);
        this.wakeups.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      // A pending retry alone must not keep a finished process alive (unless idle() waits for it).
      if (this.idleWaiters === 0) timer.unref();
      this.timers.add(timer);
      this.wakeups.add(done);
    });
  }
}
