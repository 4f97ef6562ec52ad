// Writes to one key take turns within a process. A store whose write is several steps (a
// file and its sidecar) would otherwise mix two uploads' parts, and some S3-compatible
// servers do not keep concurrent PUTs to one key apart. Keys differ almost always (stored
// names carry a random suffix), so the waiting this adds is rare.
export class KeyTurns {
  /** Per key, the tail of the chain of writes; only keys being written are here. */
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, step: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.then(step);
    const tail = current.then(
      () => {},
      () => {},
    );
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
