// BlobStore on the local disk, in PocketBase's layout: one file per key under the root
// directory, with a `<file>.attrs` JSON sidecar holding the content type and an MD5 (the
// format PocketBase's file store writes), so an existing `pb_data/storage` is served as is
// and what Plinth writes stays readable by PocketBase. Writes go to temporary files first
// and are renamed into place, so a failed or oversized upload leaves nothing at its key.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertBlobKey, assertBlobPrefix } from '../blob-keys.js';
import { BlobTooLargeError, InvalidBlobKeyError } from '../errors.js';
import { KeyTurns } from '../key-turns.js';
import type { BlobInfo, BlobRead, BlobStore, ByteRange } from '../types.js';

// Callers import it from here; it lives with the other storage errors.
export { BlobTooLargeError } from '../errors.js';

const ATTRS_SUFFIX = '.attrs';
const TEMP_PREFIX = '.upload-';

interface Attrs {
  'user.cache_control': string;
  'user.content_disposition': string;
  'user.content_encoding': string;
  'user.content_language': string;
  'user.content_type': string;
  'user.metadata': null;
  md5: string;
}

export function createLocalStore(root: string): BlobStore {
  return new LocalStore(resolve(root));
}

class LocalStore implements BlobStore {
  /** Renames into place and deletes of one file take turns (see `commit`). */
  private readonly turns = new KeyTurns();

  constructor(private readonly root: string) {}

  async put(key: string, body: Readable, options: { contentType: string; maxSize?: number }): Promise<BlobInfo> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = join(dirname(path), `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
    const md5 = createHash('md5');
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (options.maxSize !== undefined && size > options.maxSize) {
          done(new BlobTooLargeError(options.maxSize));
          return;
        }
        md5.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, counter, createWriteStream(temp, { flags: 'wx' }));
      const attrs: Attrs = {
        'user.cache_control': '',
        'user.content_disposition': '',
        'user.content_encoding': '',
        'user.content_language': '',
        'user.content_type': options.contentType,
        'user.metadata': null,
        md5: md5.digest('base64'),
      };
      await writeFile(`${temp}${ATTRS_SUFFIX}`, JSON.stringify(attrs), { flag: 'wx' });
      await this.commit(path, temp);
    } catch (err) {
      await rm(temp, { force: true });
      await rm(`${temp}${ATTRS_SUFFIX}`, { force: true });
      throw err;
    }
    return (await this.stat(key))!;
  }

  async stat(key: string): Promise<BlobInfo | null> {
    const path = this.pathOf(key);
    let info;
    try {
      info = await stat(path);
    } catch {
      return null;
    }
    if (!info.isFile()) return null;
    const attrs = await readAttrs(path);
    const etag = attrs?.md5 ? Buffer.from(attrs.md5, 'base64').toString('hex') : `${info.size.toString(16)}-${info.mtimeMs.toString(16)}`;
    return { key, size: info.size, contentType: attrs?.['user.content_type'] || 'application/octet-stream', modified: info.mtime, etag };
  }

  async get(key: string, range?: ByteRange): Promise<BlobRead | null> {
    const info = await this.stat(key);
    if (!info) return null;
    const body = createReadStream(this.pathOf(key), range ? { start: range.start, end: range.end } : {});
    return { ...info, body };
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    await this.turns.run(path, async () => {
      await unlink(path).catch(ignoreMissing);
      await unlink(`${path}${ATTRS_SUFFIX}`).catch(ignoreMissing);
    });
  }

  async deletePrefix(prefix: string): Promise<void> {
    assertBlobPrefix(prefix);
    for await (const key of this.list(prefix)) await this.delete(key);
    // Directories the prefix emptied go too (a record's folder, its thumbs folders).
    const dir = prefix.endsWith('/') ? this.pathOf(prefix.slice(0, -1)) : null;
    if (dir) await rm(dir, { recursive: true, force: true });
  }

  async *list(prefix: string): AsyncIterable<string> {
    assertBlobPrefix(prefix);
    const base = prefix.includes('/') ? this.pathOf(prefix.slice(0, prefix.lastIndexOf('/'))) : this.root;
    for await (const path of walk(base)) {
      const key = relative(this.root, path).split(sep).join('/');
      if (key.startsWith(prefix) && !key.endsWith(ATTRS_SUFFIX) && !key.split('/').pop()!.startsWith(TEMP_PREFIX)) yield key;
    }
  }

  async close(): Promise<void> {}

  /**
   * Moves a finished upload and its sidecar into place. The two renames are not one atomic
   * step, so concurrent puts (and deletes) of one key take turns here: otherwise one upload's
   * bytes could end up beside another's content type and MD5.
   */
  private async commit(path: string, temp: string): Promise<void> {
    await this.turns.run(path, async () => {
      await rename(`${temp}${ATTRS_SUFFIX}`, `${path}${ATTRS_SUFFIX}`);
      await rename(temp, path);
    });
  }

  /** The file for a key; keys that could leave the root are refused. */
  private pathOf(key: string): string {
    assertBlobKey(key);
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new InvalidBlobKeyError(key);
    return path;
  }
}

async function readAttrs(path: string): Promise<Attrs | null> {
  try {
    return JSON.parse(await readFile(`${path}${ATTRS_SUFFIX}`, 'utf8')) as Attrs;
  } catch {
    return null;
  }
}

async function* walk(dir: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}
