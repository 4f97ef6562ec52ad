// A real webhook receiver on a local port: records every request, verifies each signature
// with the `standardwebhooks` package (an implementation independent of Plinth's), and
// answers as the test tells it (a status, a Retry-After, or holding the request open).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  json: { type: string; timestamp: string; data: Record<string, unknown> & { record?: Record<string, unknown> } };
}

export type Answer = { status: number; headers?: Record<string, string> } | 'hold';

export class Receiver {
  readonly requests: Received[] = [];
  /** Decides each answer (default 200); called with the number of requests seen before this one. */
  answer: (index: number, request: Received) => Answer = () => ({ status: 200 });
  private readonly held: ServerResponse[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(port = 0): Promise<Receiver> {
    const handlers: { handle?: (req: IncomingMessage, res: ServerResponse) => void } = {};
    const server = createServer((req, res) => handlers.handle?.(req, res));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const address = server.address() as AddressInfo;
    const receiver = new Receiver(server, `http://127.0.0.1:${address.port}/hook`);
    handlers.handle = (req, res) => receiver.handle(req, res);
    return receiver;
  }

  /** Each request whose signature verifies with `secret` (throws naming the first that does not). */
  verifiedWith(secret: string): Received[] {
    const verifier = new Webhook(secret);
    for (const r of this.requests) {
      verifier.verify(r.body, { 'webhook-id': r.id, 'webhook-timestamp': r.timestamp, 'webhook-signature': r.signature });
    }
    return this.requests;
  }

  /** Distinct message ids: one per logical delivery, however often it was sent. */
  logicalDeliveries(): string[] {
    return [...new Set(this.requests.map((r) => r.id))];
  }

  /** Ends the requests held open without an answer (the sender sees the connection drop). */
  dropHeld(): void {
    for (const res of this.held.splice(0)) res.destroy();
  }

  async close(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const header = (name: string) => String(req.headers[name] ?? '');
      const received: Received = {
        id: header('webhook-id'),
        timestamp: header('webhook-timestamp'),
        signature: header('webhook-signature'),
        body,
        json: (body === '' ? null : JSON.parse(body)) as Received['json'],
      };
      const answer = this.answer(this.requests.length, received);
      this.requests.push(received);
      if (answer === 'hold') {
        this.held.push(res);
        return;
      }
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.status < 300 ? 'ok' : 'not now');
    });
  }
}
