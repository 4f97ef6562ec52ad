// Which stored blob answers `GET /api/files/{collection}/{recordId}/{filename}`, and whether
// the request may have it. As in PocketBase: the file must be listed by one of the record's
// file fields; a public field's files go to anyone who knows the name (the view rule is not
// consulted: file names carry a random suffix and are the capability); a protected field's
// files need a file token whose account passes the collection's view rule for this record
// (superusers always). Every refusal is the same 404, so nothing tells a missing file from a
// forbidden one.
import type { Logger } from 'pino';
import type { Database } from '../../db/types.js';
import type { Clock } from '../../lib/clock.js';
import { recordFromToken } from '../auth/authenticate.js';
import { SUPERUSERS_COLLECTION } from '../auth/auth-state.js';
import type { Collection, FileField } from '../collections/model.js';
import { notFound } from '../errors/index.js';
import { findRecordById } from '../records/repository.js';
import type { RecordModel } from '../records/record.js';
import type { CollectionRegistry } from '../records/service.js';
import type { RequestInfo } from '../rules/request-info.js';
import type { BlobStore } from '../../storage/types.js';
import { findViewFileOwner } from './serve-view-source.js';
import { canHaveThumb, isAllowedThumb, parseThumbSize, thumbKey, type ThumbMaker } from './thumbs.js';

/** Longest file name looked up (PocketBase's generated names stay far below it). */
const MAX_NAME_LENGTH = 255;

export interface FileLocatorDeps {
  db: Database;
  clock: Clock;
  registry: CollectionRegistry;
  logger: Logger;
  /** The store in use now (it may change with the settings). */
  store(): BlobStore;
  thumbs: ThumbMaker;
  /** Whether `rule` lets `request` see `record` (null: superusers only, '': everyone). */
  canAccess(record: RecordModel, request: RequestInfo, rule: string | null): Promise<boolean>;
}

export interface FileRequest {
  collection: string;
  recordId: string;
  fileName: string;
  /** `?thumb=`; '' when absent. */
  thumb: string;
  /** `?token=`; '' when absent. */
  token: string;
  /** The request as the rules see it (its auth is replaced by the file token's). */
  request: RequestInfo;
  /** Whether a superuser may act from the client's address (the superuser IP allowlist). */
  superuserAdmitted: boolean;
}

export interface LocatedFile {
  store: BlobStore;
  key: string;
  /** The name the client sees: the file's, or `<size>_<file>` for a thumb. */
  name: string;
  protectedFile: boolean;
  /** The record asked for (a view's row for a view collection) and its field listing the file. */
  record: RecordModel;
  fieldName: string;
}

export class FileLocator {
  constructor(private readonly deps: FileLocatorDeps) {}

  async locate(input: FileRequest): Promise<LocatedFile> {
    const collection = this.deps.registry.byNameOrId(input.collection);
    if (!collection || input.recordId === '' || !isPlausibleName(input.fileName)) throw notFound();
    const record = await findRecordById(this.deps.db, collection, input.recordId);
    if (!record) throw notFound();
    const field = fileFieldListing(collection, record, input.fileName);
    if (!field) throw notFound();
    if (field.protected && !(await this.mayOpenProtected(record, input))) throw notFound();

    let owner = record;
    if (collection.type === 'view') {
      const found = await findViewFileOwner(this.deps.db, {
        view: collection,
        fieldName: field.name,
        fileName: input.fileName,
        collections: this.deps.registry.all(),
      });
      if (!found) throw notFound();
      owner = found;
    }
    const store = this.deps.store();
    const baseKey = `${owner.collection.id}/${String(owner.values.id)}`;
    const originalKey = `${baseKey}/${input.fileName}`;
    const located: LocatedFile = { store, key: originalKey, name: input.fileName, protectedFile: field.protected, record, fieldName: field.name };
    if (input.thumb === '' || !isAllowedThumb(input.thumb, field.thumbs)) return located;
    return this.thumbOrOriginal(located, { baseKey, size: input.thumb });
  }

  /** The thumb (made now if missing) when the original is an image; the original otherwise or on failure. */
  private async thumbOrOriginal(original: LocatedFile, thumb: { baseKey: string; size: string }): Promise<LocatedFile> {
    const { store } = original;
    const info = await store.stat(original.key);
    if (!info) throw notFound();
    const size = parseThumbSize(thumb.size);
    if (!size || !canHaveThumb(info.contentType)) return original;
    const key = thumbKey(thumb.baseKey, original.name, thumb.size);
    const located = { ...original, key, name: `${thumb.size}_${original.name}` };
    try {
      // The thumb's key is longer than the original's and may be one no store accepts.
      if (await store.stat(key)) return located;
      await this.deps.thumbs.create(store, { source: original.key, target: key, size });
      return located;
    } catch (err) {
      this.deps.logger.warn({ err, original: original.key, thumb: key }, 'files: thumbnail failed, serving the original');
      return original;
    }
  }

  private async mayOpenProtected(record: RecordModel, input: FileRequest): Promise<boolean> {
    const found = input.token === '' ? null : await recordFromToken(this.lookup(), input.token, ['file']);
    let auth = found?.record ?? null;
    let isSuperuser = auth?.collection.name === SUPERUSERS_COLLECTION;
    // A superuser's file token from outside the allowlist counts for nothing, like its auth token.
    if (isSuperuser && !input.superuserAdmitted) {
      auth = null;
      isSuperuser = false;
    }
    const request: RequestInfo = { ...input.request, auth, isSuperuser, context: 'protectedFile' };
    return this.deps.canAccess(record, request, record.collection.viewRule);
  }

  private lookup() {
    return { exec: this.deps.db, clock: this.deps.clock, collectionById: (id: string) => this.deps.registry.byId(id) };
  }
}

/** The file field whose value lists `fileName`, if any. */
function fileFieldListing(collection: Collection, record: RecordModel, fileName: string): FileField | null {
  for (const field of collection.fields) {
    if (field.type !== 'file') continue;
    const value = record.values[field.name];
    const names = Array.isArray(value) ? value : [value];
    if (names.some((name) => name === fileName)) return field;
  }
  return null;
}

/**
 * Names that cannot be a stored file's are refused before any lookup: path separators and
 * dot segments would step outside the record's folder, NUL cannot be stored at all.
 */
function isPlausibleName(name: string): boolean {
  return (
    name !== '' &&
    name.length <= MAX_NAME_LENGTH &&
    name !== '.' &&
    name !== '..' &&
    !/[/\\\0]/.test(name)
  );
}
