// A WebSocket test client for /api/realtime/ws: frames are parsed JSON, read in order with
// next(); the close code and reason are kept for assertions.
import WebSocket from 'ws';

export interface WsFrame {
  event: string;
  id?: string;
  data: unknown;
}

export interface WsClosed {
  code: number;
  reason: string;
}

export class WsClient {
  private readonly queue: WsFrame[] = [];
  private readonly waiters: Array<{ resolve: (f: WsFrame) => void; reject: (err: Error) => void }> = [];
  private ended: WsClosed | null = null;
  /** Resolves with the close code and reason, whoever closed. */
  readonly closed: Promise<WsClosed>;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.ended = { code, reason: reason.toString() };
        for (const waiter of this.waiters.splice(0)) waiter.reject(new Error(`closed ${code}`));
        resolve(this.ended);
      });
    });
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as WsFrame;
      const waiter = this.waiters.shift();
      if (waiter) waiter.resolve(frame);
      else this.queue.push(frame);
    });
    ws.on('error', () => {});
  }

  /** Connects; resolves once the server accepted the upgrade. */
  static open(url: string, headers: Record<string, string> = {}): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url.replace(/^http/, 'ws'), { headers });
      const client = new WsClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** The next frame (waits for it); rejects when the connection closes first. */
  next(): Promise<WsFrame> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.ended) return Promise.reject(new Error(`closed ${this.ended.code}`));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Sends one message and returns the frame that answers it. */
  async ask(message: unknown): Promise<WsFrame> {
    this.send(message);
    return this.next();
  }

  close(): void {
    this.ws.close();
  }
}
