// Messages between Plinth nodes over Redis publish/subscribe. A subscribed Redis connection
// can do nothing else, so publishing and receiving use one connection each, both opened on
// first use. The receiving connection must come up when listening starts (a broker that
// cannot be reached then is a configuration error); afterwards ioredis reconnects by itself
// and subscribes again. Messages published while a node was disconnected are not replayed
// (Redis keeps none).
import { Redis } from 'ioredis';
import type { NodeMessages } from '../types.js';

export interface RedisNodeMessagesOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` for TLS. */
  url: string;
  /** The pub/sub channel: one per deployment. */
  channel: string;
  /** Connection trouble (ioredis keeps retrying). */
  onError?(err: Error): void;
}

export class RedisNodeMessages implements NodeMessages {
  private publisher: Redis | null = null;
  private subscriber: Redis | null = null;
  private closed = false;

  constructor(private readonly options: RedisNodeMessagesOptions) {}

  async publish(payload: string): Promise<void> {
    if (this.closed) throw new Error('the Redis channel is closed');
    this.publisher ??= this.open();
    // Commands on one connection run in the order they were sent.
    await this.publisher.publish(this.options.channel, payload);
  }

  async listen(onMessage: (payload: string) => void): Promise<void> {
    if (this.subscriber || this.closed) return;
    const subscriber = this.open(true);
    this.subscriber = subscriber;
    try {
      await subscriber.connect();
    } catch (err) {
      this.subscriber = null;
      subscriber.disconnect();
      throw new Error(`could not connect to the Redis realtime broker: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.options.channel && !this.closed) onMessage(message);
    });
    await subscriber.subscribe(this.options.channel);
  }

  async close(): Promise<void> {
    this.closed = true;
    const connections = [this.publisher, this.subscriber];
    this.publisher = null;
    this.subscriber = null;
    // quit() waits for the replies to commands already sent, so sent publishes complete; a
    // connection that is down is dropped at once rather than waiting for Redis to come back.
    await Promise.all(
      connections.map(async (c) => {
        if (c?.status === 'ready') await c.quit().catch(() => c.disconnect());
        else c?.disconnect();
      }),
    );
  }

  private open(lazyConnect = false): Redis {
    const redis = new Redis(this.options.url, { lazyConnect, maxRetriesPerRequest: 3 });
    // Without a listener ioredis prints every connection error to the console.
    redis.on('error', (err: Error) => this.options.onError?.(err));
    return redis;
  }
}
