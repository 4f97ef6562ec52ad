// The job names this node can run, with their handler and options. Kept apart from the
// queue so extension code can define jobs before the database opens (library mode), and
// take them back on a development reload.
import type { JobHandler, JobOptions } from './types.js';
import { backoffFor, type Definition } from './worker.js';

const NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,99}$/;

export class JobDefinitions {
  private readonly byName = new Map<string, Definition>();
  /** Told after each new definition (the worker looks for its due jobs at once). */
  onDefine: (() => void) | null = null;

  /** Makes this node run jobs of `name`; returns a function taking the definition back. */
  define<P = unknown>(name: string, handler: JobHandler<P>, options: JobOptions = {}): () => void {
    if (!NAME_PATTERN.test(name)) throw new Error(`invalid job name "${name}" (letters, digits and _ . : -, at most 100)`);
    if (this.byName.has(name)) throw new Error(`job "${name}" is already defined`);
    const positive = (value: number | undefined, fallback: number, what: string): number => {
      const n = value ?? fallback;
      if (!Number.isInteger(n) || n < 1) throw new Error(`job "${name}": ${what} must be a positive integer`);
      return n;
    };
    const definition: Definition = {
      name,
      handler: handler as JobHandler,
      concurrency: positive(options.concurrency, 4, 'concurrency'),
      attempts: positive(options.attempts, 5, 'attempts'),
      backoff: backoffFor(options.backoff),
      timeout: positive(options.timeout, 300_000, 'timeout'),
    };
    // Node's timers take at most 2^31-1 ms; a longer time limit would fire at once.
    if (definition.timeout > 2 ** 31 - 1) throw new Error(`job "${name}": timeout must be at most 2147483647 ms (about 24 days)`);
    this.byName.set(name, definition);
    this.onDefine?.();
    return () => {
      if (this.byName.get(name) === definition) this.byName.delete(name);
    };
  }

  get(name: string): Definition | undefined {
    return this.byName.get(name);
  }

  values(): IterableIterator<Definition> {
    return this.byName.values();
  }
}
