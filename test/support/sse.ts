// A minimal server-sent events reader over fetch, for driving /api/realtime in tests
// (Node 20 has no EventSource, and the `eventsource` package is not installed).
export interface SseEvent {
  id: string;
  event: string;
  data: string;
}

export class SseStream {
  private readonly queue: SseEvent[] = [];
  private readonly waiters: Array<{ resolve: (e: SseEvent) => void; reject: (err: Error) => void }> = [];
  private ended: Error | null = null;

  private constructor(private readonly abort: AbortController) {}

  /** Opens the stream; resolves once the response headers arrived. */
  static async open(url: string, headers: Record<string, string> = {}): Promise<{ stream: SseStream; response: Response }> {
    const abort = new AbortController();
    const response = await fetch(url, { headers, signal: abort.signal });
    const stream = new SseStream(abort);
    void stream.pump(response);
    return { stream, response };
  }

  /** The next event (waits for it); rejects when the stream ends first. */
  next(): Promise<SseEvent> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Resolves when the server ends the stream. */
  async closedByServer(): Promise<void> {
    for (;;) {
      try {
        await this.next();
      } catch {
        return;
      }
    }
  }

  close(): void {
    this.abort.abort();
  }

  private async pump(response: Response): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          this.push(parseEvent(buffer.slice(0, end)));
          buffer = buffer.slice(end + 2);
        }
      }
      this.finish(new Error('stream ended'));
    } catch (err) {
      this.finish(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private push(event: SseEvent): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(event);
    else this.queue.push(event);
  }

  private finish(err: Error): void {
    this.ended = err;
    for (const waiter of this.waiters.splice(0)) waiter.reject(err);
  }
}

function parseEvent(block: string): SseEvent {
  const event: SseEvent = { id: '', event: 'message', data: '' };
  const data: string[] = [];
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') event.id = value;
    else if (field === 'event') event.event = value;
    else if (field === 'data') data.push(value);
  }
  event.data = data.join('\n');
  return event;
}

type Listener = (event: { data: string; lastEventId: string; type: string }) => void;

/**
 * Just enough of the browser's EventSource for the `pocketbase` SDK's realtime service
 * (named listeners, onerror, close), over SseStream. Install it as `globalThis.EventSource`.
 */
export class TestEventSource {
  onerror: ((err: unknown) => void) | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();
  private stream: SseStream | null = null;
  private closed = false;

  constructor(url: string) {
    SseStream.open(url)
      .then(({ stream }) => {
        if (this.closed) stream.close();
        else this.stream = stream;
        return this.dispatch(stream);
      })
      .catch((err: unknown) => {
        if (!this.closed) this.onerror?.(err);
      });
  }

  addEventListener(name: string, listener: Listener): void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener);
  }

  removeEventListener(name: string, listener: Listener): void {
    this.listeners.get(name)?.delete(listener);
  }

  close(): void {
    this.closed = true;
    this.stream?.close();
  }

  private async dispatch(stream: SseStream): Promise<void> {
    for (;;) {
      const e = await stream.next();
      for (const listener of this.listeners.get(e.event) ?? []) listener({ data: e.data, lastEventId: e.id, type: e.event });
    }
  }
}
