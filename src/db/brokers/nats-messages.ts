// Messages between Plinth nodes over NATS core publish/subscribe: one connection, opened on
// first use, publishes and receives. It must come up the first time (a server that cannot be
// reached then is a configuration error); afterwards the client reconnects by itself. NATS delivers one publisher's messages in the order they
// were published; messages published while a node was disconnected are not replayed. A
// message larger than the server's max_payload (1 MB by default) is refused.
import { connect, type NatsConnection } from 'nats';
import type { NodeMessages } from '../types.js';

export interface NatsNodeMessagesOptions {
  /** `nats://host:port` (several servers separated by commas). */
  url: string;
  /** The subject: one per deployment. */
  subject: string;
  /** Connection trouble and refused messages (the client keeps reconnecting). */
  onError?(err: Error): void;
}

export class NatsNodeMessages implements NodeMessages {
  private connection: Promise<NatsConnection> | null = null;
  private listening = false;
  private closed = false;
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  constructor(private readonly options: NatsNodeMessagesOptions) {}

  async publish(payload: string): Promise<void> {
    const nc = await this.connect();
    // Buffered by the client and flushed in order; throws when the payload is over max_payload.
    nc.publish(this.options.subject, this.encoder.encode(payload));
  }

  async listen(onMessage: (payload: string) => void): Promise<void> {
    if (this.listening || this.closed) return;
    this.listening = true;
    let nc: NatsConnection;
    try {
      nc = await this.connect();
    } catch (err) {
      this.listening = false;
      throw new Error(`could not connect to the NATS realtime broker: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    nc.subscribe(this.options.subject, {
      callback: (err, msg) => {
        if (err) this.options.onError?.(err);
        else if (!this.closed) onMessage(this.decoder.decode(msg.data));
      },
    });
    // The subscription is registered once the server has answered a round trip after it.
    await nc.flush();
  }

  async close(): Promise<void> {
    this.closed = true;
    const connection = this.connection;
    this.connection = null;
    const nc = await connection?.catch(() => null);
    if (!nc || nc.isClosed()) return;
    // drain() sends what is buffered before closing.
    await nc.drain().catch(() => nc.close());
  }

  private connect(): Promise<NatsConnection> {
    if (this.closed) return Promise.reject(new Error('the NATS channel is closed'));
    if (!this.connection) {
      const servers = this.options.url.split(',').map((s) => s.trim());
      const opening = connect({ servers, maxReconnectAttempts: -1, name: 'plinth' });
      this.connection = opening;
      opening.then(
        (nc) => void this.watch(nc),
        () => {
          // A failed first connection is tried again on the next use.
          if (this.connection === opening) this.connection = null;
        },
      );
    }
    return this.connection;
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === 'error' || status.type === 'disconnect') {
        this.options.onError?.(new Error(`NATS ${status.type}: ${String(status.data)}`));
      }
    }
  }
}
