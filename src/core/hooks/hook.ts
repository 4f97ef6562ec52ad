// The hook bus: an ordered chain of handlers around a piece of work. Each handler gets the
// event and decides whether the work goes on by awaiting `e.next()` (which runs the rest of
// the chain, and finally the work itself); returning without calling it stops the chain
// there, and throwing fails it. Handlers run by ascending priority, then in the order they
// were added; an id lets one be replaced or removed later.

export interface HookEvent {
  /** Runs the rest of the chain (the following handlers, then the work). At most once per handler. */
  next(): Promise<void>;
}

export type HookFunc<E> = (e: E) => Promise<void> | void;

export interface HookHandler<E> {
  /** Names the handler so it can be replaced or removed; one is generated when absent. */
  id?: string;
  /** Lower runs first; default 0. */
  priority?: number;
  func: HookFunc<E>;
}

interface BoundHandler<E> {
  id: string;
  priority: number;
  order: number;
  func: HookFunc<E>;
  /** The collections a tagged handler is for (empty: every event). */
  tags: readonly string[];
}

let generatedIds = 0;

export class Hook<E extends HookEvent> {
  private handlers: BoundHandler<E>[] = [];
  private added = 0;

  /** Adds (or, with a known id, replaces) a handler; returns its id. */
  bind(handler: HookHandler<E>): string {
    return this.bindFor(handler, []);
  }

  /** `bind` for a handler that only acts on events tagged with one of `tags` (see TaggedHook). */
  bindFor(handler: HookHandler<E>, tags: readonly string[]): string {
    const id = handler.id ?? `__h${++generatedIds}`;
    const existing = this.handlers.find((h) => h.id === id);
    const bound = { id, priority: handler.priority ?? 0, order: existing?.order ?? ++this.added, func: handler.func, tags };
    const rest = this.handlers.filter((h) => h.id !== id);
    this.handlers = [...rest, bound].sort((a, b) => a.priority - b.priority || a.order - b.order);
    return id;
  }

  bindFunc(func: HookFunc<E>): string {
    return this.bind({ func });
  }

  unbind(...ids: string[]): void {
    this.handlers = this.handlers.filter((h) => !ids.includes(h.id));
  }

  unbindAll(): void {
    this.handlers = [];
  }

  get length(): number {
    return this.handlers.length;
  }

  /** Whether a handler would act on an event tagged with any of `tags` (untagged handlers act on all). */
  actsOn(tags: readonly string[]): boolean {
    return this.handlers.some((h) => h.tags.length === 0 || h.tags.some((tag) => tags.includes(tag)));
  }

  /**
   * Runs the chain for `event`, ending with `work` (when every handler called `next()`).
   * The event's `next` is restored afterwards, so one event can pass through nested chains.
   */
  async trigger(event: E, work?: (e: E) => Promise<void> | void): Promise<void> {
    const chain = this.handlers;
    if (chain.length === 0) {
      await work?.(event);
      return;
    }
    const saved = event.next;
    const step = async (index: number): Promise<void> => {
      if (index >= chain.length) {
        event.next = saved;
        await work?.(event);
        return;
      }
      let called = false;
      event.next = async () => {
        if (called) return;
        called = true;
        await step(index + 1);
      };
      await chain[index]!.func(event);
    };
    try {
      await step(0);
    } finally {
      event.next = saved;
    }
  }
}

/** An event that belongs to one collection, so collection-scoped handlers can skip others. */
export interface TaggedEvent extends HookEvent {
  tags(): readonly string[];
}

/**
 * A view of a hook whose handlers only run for events carrying one of `tags` (a collection's
 * id or name); for other events they pass straight on to `next()`. Without tags, every event.
 */
export class TaggedHook<E extends TaggedEvent> {
  constructor(
    private readonly hook: Hook<E>,
    private readonly tags: readonly string[],
  ) {}

  bind(handler: HookHandler<E>): string {
    if (this.tags.length === 0) return this.hook.bind(handler);
    const tags = this.tags;
    const func: HookFunc<E> = (e) => (e.tags().some((tag) => tags.includes(tag)) ? handler.func(e) : e.next());
    return this.hook.bindFor({ ...handler, func }, tags);
  }

  bindFunc(func: HookFunc<E>): string {
    return this.bind({ func });
  }

  unbind(...ids: string[]): void {
    this.hook.unbind(...ids);
  }
}
