// Thumbnails, made on first request and stored next to the original (PocketBase's layout:
// `<collectionId>/<recordId>/thumbs_<file>/<size>_<file>`), then served from the store.
// Sizes: `WxH` (cover, cropped from the centre), `WxHt`/`WxHb` (cropped from the top/bottom),
// `WxHf` (fit inside, never enlarged), `0xH`/`Wx0` (one side, aspect kept). Only the first
// frame of an animated image is used. Decoding is streamed by libvips and refused above a
// pixel budget, so a small file that claims to be a huge image (a decompression bomb) fails
// quickly instead of taking the process's memory; the caller then serves the original.
import { cpus } from 'node:os';
import type { Readable } from 'node:stream';
import sharp, { type Sharp } from 'sharp';
import type { BlobStore } from '../../storage/types.js';

/** Originals that get thumbnails (what PocketBase resizes). */
const THUMB_SOURCE_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpg', 'image/jpeg', 'image/gif', 'image/webp']);

/** Every file field accepts this size, listed or not. */
export const DEFAULT_THUMB_SIZE = '100x100';

const SIZE_PATTERN = /^(\d{1,5})x(\d{1,5})([tbf])?$/;

export interface ThumbSize {
  width: number;
  height: number;
  mode: 'center' | 'top' | 'bottom' | 'fit';
}

export function parseThumbSize(raw: string): ThumbSize | null {
  const match = SIZE_PATTERN.exec(raw);
  if (!match) return null;
  const width = Number(match[1]);
  const height = Number(match[2]);
  if (width === 0 && height === 0) return null;
  const mode = match[3] === 't' ? 'top' : match[3] === 'b' ? 'bottom' : match[3] === 'f' ? 'fit' : 'center';
  return { width, height, mode };
}

/** Whether `size` may be asked of this field: the default size or one the field lists. */
export function isAllowedThumb(size: string, fieldThumbs: readonly string[] | null): boolean {
  return size === DEFAULT_THUMB_SIZE || (fieldThumbs ?? []).includes(size);
}

export function canHaveThumb(contentType: string): boolean {
  return THUMB_SOURCE_TYPES.has(contentType);
}

export function thumbKey(baseKey: string, fileName: string, size: string): string {
  return `${baseKey}/thumbs_${fileName}/${size}_${fileName}`;
}

export interface ThumbMakerOptions {
  /** Largest decoded image (width × height) accepted; bigger originals get no thumb. */
  maxInputPixels?: number;
  /** Thumbnails generated at the same time; further requests wait their turn. */
  maxConcurrent?: number;
  /** How long a generation may wait for its turn before the original is served instead. */
  maxWaitMs?: number;
}

/**
 * Generates each thumbnail once: concurrent requests for the same key share one generation
 * (an in-flight map), and at most `maxConcurrent` images are decoded at a time.
 */
export class ThumbMaker {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly waiting: (() => void)[] = [];
  private running = 0;
  private readonly maxInputPixels: number;
  private readonly maxConcurrent: number;
  private readonly maxWaitMs: number;

  constructor(options: ThumbMakerOptions = {}) {
    // 40 MP covers photographs from current phone cameras in their default modes; a larger
    // claimed size is far more likely an attack than a picture someone wants thumbnailed.
    this.maxInputPixels = options.maxInputPixels ?? 40_000_000;
    this.maxConcurrent = options.maxConcurrent ?? cpus().length + 2;
    this.maxWaitMs = options.maxWaitMs ?? 60_000;
  }

  /** Makes the thumb at `target` from `source` unless a generation for it is running already. */
  create(store: BlobStore, job: { source: string; target: string; size: ThumbSize }): Promise<void> {
    const pending = this.inFlight.get(job.target);
    if (pending) return pending;
    const run = this.withSlot(() => this.generate(store, job)).finally(() => this.inFlight.delete(job.target));
    this.inFlight.set(job.target, run);
    return run;
  }

  private async generate(store: BlobStore, job: { source: string; target: string; size: ThumbSize }): Promise<void> {
    const original = await store.get(job.source);
    if (!original) throw new Error('the original file is gone');
    const { transformer, contentType } = this.transformerFor(original.contentType, job.size);
    pipeInto(original.body, transformer);
    await store.put(job.target, transformer, { contentType });
  }

  private transformerFor(sourceType: string, size: ThumbSize): { transformer: Sharp; contentType: string } {
    // Only the first frame (pages: 1); EXIF orientation applied before resizing.
    const image = sharp({ limitInputPixels: this.maxInputPixels, pages: 1, sequentialRead: true }).rotate();
    const { width, height, mode } = size;
    if (width === 0 || height === 0) {
      image.resize({ width: width || undefined, height: height || undefined, kernel: 'linear' });
    } else if (mode === 'fit') {
      image.resize({ width, height, fit: 'inside', withoutEnlargement: true, kernel: 'linear' });
    } else {
      const position = mode === 'top' ? 'top' : mode === 'bottom' ? 'bottom' : 'centre';
      image.resize({ width, height, fit: 'cover', position, kernel: 'linear' });
    }
    // JPEG and GIF keep their format; everything else (webp included) becomes PNG, as in PocketBase.
    if (sourceType === 'image/jpeg' || sourceType === 'image/jpg') return { transformer: image.jpeg(), contentType: 'image/jpeg' };
    if (sourceType === 'image/gif') return { transformer: image.gif(), contentType: 'image/gif' };
    return { transformer: image.png(), contentType: 'image/png' };
  }

  private async withSlot<T>(fn: () => Promise<T>): Promise<T> {
    // A finishing generation hands its slot straight to the next waiter, so the count never overshoots.
    if (this.running < this.maxConcurrent) this.running++;
    else await this.waitForSlot();
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  private waitForSlot(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const turn = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(turn), 1);
        reject(new Error('waited too long for a thumbnail slot'));
      }, this.maxWaitMs);
      this.waiting.push(turn);
    });
  }
}

/** Feeds the original into the image pipeline; a read error fails the pipeline (and the put). */
function pipeInto(source: Readable, transformer: Sharp): void {
  source.once('error', (err) => transformer.destroy(err));
  transformer.once('error', () => source.destroy());
  source.pipe(transformer);
}
