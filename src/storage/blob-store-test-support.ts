// Streams for the BlobStore case suite: bodies made on demand (so a test can send more
// bytes than it ever holds), bodies that fail half-way, and a reader that hashes.
import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Readable } from 'node:stream';

const CHUNK = 64 * 1024;

export function bodyOf(bytes: Buffer | string): Readable {
  return Readable.from([Buffer.from(bytes)]);
}

export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function md5Hex(bytes: Buffer | string): string {
  return createHash('md5').update(bytes).digest('hex');
}

export async function md5OfStream(body: Readable): Promise<{ md5: string; size: number }> {
  const hash = createHash('md5');
  let size = 0;
  for await (const chunk of body) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { md5: hash.digest('hex'), size };
}

export interface GeneratedBody {
  body: Readable;
  /** The MD5 of what was produced so far (of everything, once the body has ended). */
  md5(): string;
  produced(): number;
}

/**
 * `size` bytes of a position-dependent pattern, made one chunk at a time as the store reads.
 * With `failAt`, the body errors once that many bytes have been produced. `onChunk` runs after
 * each chunk is produced (a memory probe, for instance).
 */
export function generatedBody(size: number, options: { failAt?: number; onChunk?: () => void } = {}): GeneratedBody {
  const hash = createHash('md5');
  let produced = 0;
  const body = new Readable({
    highWaterMark: CHUNK,
    read() {
      if (options.failAt !== undefined && produced >= options.failAt) {
        this.destroy(new Error('the client went away'));
        return;
      }
      if (produced >= size) {
        this.push(null);
        return;
      }
      const length = Math.min(CHUNK, size - produced);
      const chunk = Buffer.allocUnsafe(length);
      for (let i = 0; i < length; i++) chunk[i] = ((produced + i) * 31 + ((produced + i) >> 16)) & 0xff;
      produced += length;
      hash.update(chunk);
      options.onChunk?.();
      this.push(chunk);
    },
  });
  return { body, md5: () => hash.copy().digest('hex'), produced: () => produced };
}

/**
 * Tracks the most memory held in buffers (after a full collection) while something runs, so
 * a test can tell "streams" from "holds the whole body". Collections are forced to keep
 * garbage out of the figure.
 */
export class BufferMemoryProbe {
  private readonly gc: () => void;
  private readonly baseline: number;
  peak = 0;

  constructor() {
    setFlagsFromString('--expose-gc');
    this.gc = runInNewContext('gc') as () => void;
    this.gc();
    this.baseline = process.memoryUsage().arrayBuffers;
  }

  sample(): void {
    this.gc();
    this.peak = Math.max(this.peak, process.memoryUsage().arrayBuffers - this.baseline);
  }
}
