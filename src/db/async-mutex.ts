/**
 * A FIFO lock for async code. SQLite allows one writer, and better-sqlite3 runs a whole
 * connection as one transaction context, so async callers must take turns on the writer:
 * otherwise an `await` inside one transaction would let another caller's statements run
 * inside it.
 */
export class AsyncMutex {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `fn` once every earlier holder has finished; the lock is released however `fn` ends. */
  async runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    let release!: () => void;
    const turn = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.tail;
    this.tail = previous.then(() => turn);
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
