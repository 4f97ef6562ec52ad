// What one outermost write transaction gathers until it ends: the record events to announce
// after its commit, its file side (uploads kept or removed with it), and the model writes
// whose extension hooks hear how it ended (see write-hooks.ts).
import type { Executor } from '../../db/types.js';
import type { FileChanges } from '../files/upload-changes.js';
import type { RecordEvent } from './events.js';
import type { RecordModel } from './record.js';
import type { RecordWriteHooks, WriteAction } from './write-hooks.js';

export interface WriteScope {
  readonly events: RecordEvent[];
  readonly files: FileChanges | null;
  /** The write hooks, noting each model write of this scope for `settled`. */
  readonly hooks: RecordWriteHooks;
  announce(event: RecordEvent): void;
  /** Runs `fn` after the commit (never after a rollback), e.g. to wake a job worker. */
  afterCommit(fn: () => void): void;
}

interface ScopeState extends WriteScope {
  readonly writes: { action: WriteAction; record: RecordModel }[];
  readonly committed: (() => void)[];
}

export interface WriteScopesDeps {
  newFiles(): FileChanges | null;
  hooks(): RecordWriteHooks;
  publish(events: RecordEvent[]): void;
}

export class WriteScopes {
  private readonly byExec = new WeakMap<Executor, ScopeState>();

  constructor(private readonly deps: WriteScopesDeps) {}

  open(): WriteScope {
    const hooks = this.deps.hooks();
    const writes: ScopeState['writes'] = [];
    const events: RecordEvent[] = [];
    const committed: (() => void)[] = [];
    const scope: ScopeState = {
      events,
      writes,
      committed,
      afterCommit: (fn) => committed.push(fn),
      files: this.deps.newFiles(),
      announce: (event) => events.push(event),
      hooks: {
        bound: (collection) => hooks.bound(collection),
        write: (stage, run) => {
          writes.push({ action: stage.action, record: stage.record });
          return hooks.write(stage, run);
        },
        validate: (stage, run) => hooks.validate(stage, run),
        execute: (stage, run) => hooks.execute(stage, run),
        settled: (outcome) => hooks.settled(outcome),
      },
    };
    return scope;
  }

  /** Makes `exec` (a transaction, or a savepoint inside one) write into `scope`. */
  attach(exec: Executor, scope: WriteScope): void {
    this.byExec.set(exec, scope as ScopeState);
  }

  of(exec: Executor): WriteScope | undefined {
    return this.byExec.get(exec);
  }

  /**
   * Runs `fn` (which opens and ends the transaction) for `scope`: on success the files are
   * kept, the events published and the hooks told; on failure the uploads are removed and the
   * hooks told the error, which is then rethrown.
   */
  async run<T>(scope: WriteScope, fn: () => Promise<T>): Promise<T> {
    const state = scope as ScopeState;
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      await state.files?.rollback();
      for (const write of state.writes) await state.hooks.settled({ ...write, error: err });
      throw err;
    }
    await state.files?.commit();
    this.deps.publish(state.events);
    for (const fn of state.committed) fn();
    for (const write of state.writes) await state.hooks.settled(write);
    return result;
  }
}
