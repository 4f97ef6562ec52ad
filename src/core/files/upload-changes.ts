// The file side of one record transaction. Files cannot take part in a database
// transaction, so the order is chosen so that a failure anywhere leaves no trace:
//   1. after validation and before its row is written, a record's uploads are stored at
//      `<collectionId>/<recordId>/<name>` (a new name every time, so nothing is overwritten);
//   2. if the transaction then fails or rolls back, exactly those new files are deleted;
//   3. only after the commit are the files an update dropped or replaced deleted, with their
//      thumbnails, and the folders of deleted records removed.
// A crash between the commit and step 3 can leave an unreferenced file behind, never a
// record pointing at a missing one.
import { createReadStream } from 'node:fs';
import type { Logger } from 'pino';
import type { BlobStore } from '../../storage/types.js';
import { badRequest } from '../errors/index.js';
import type { Field } from '../collections/model.js';
import { isMultiValue, toFileList } from '../collections/fields/values.js';
import type { RecordModel } from '../records/record.js';
import { isPendingUpload, type PendingUpload } from './uploads.js';

/** Key of a record's file folder (with the trailing slash). */
export function recordFilesPrefix(collectionId: string, recordId: string): string {
  return `${collectionId}/${recordId}/`;
}

export class FileChanges {
  private readonly stored: string[] = [];
  private readonly obsolete: string[] = [];

  constructor(private readonly deps: { store: BlobStore; logger?: Logger }) {}

  /** Stores the record's pending uploads and puts their names in its values. */
  async storeUploads(record: RecordModel): Promise<void> {
    const prefix = recordFilesPrefix(record.collection.id, String(record.values.id));
    for (const field of record.collection.fields) {
      if (field.type !== 'file') continue;
      const items = toFileList(record.values[field.name]);
      if (!items.some(isPendingUpload)) continue;
      for (const item of items) {
        if (!isPendingUpload(item)) continue;
        const key = prefix + item.name;
        await this.deps.store.put(key, createReadStream(item.path), { contentType: item.contentType });
        this.stored.push(key);
      }
      setNames(record, field, items.map((item) => (isPendingUpload(item) ? item.name : String(item))));
    }
  }

  /** Remembers the files `original` had and `record` no longer has, for after the commit. */
  noteRemoved(record: RecordModel, original: RecordModel): void {
    const prefix = recordFilesPrefix(record.collection.id, String(original.values.id));
    for (const field of record.collection.fields) {
      if (field.type !== 'file') continue;
      const now = new Set(namesOf(record.values[field.name]));
      for (const name of namesOf(original.values[field.name])) {
        // Only plain names: a stored value can never reach outside the record's folder.
        if (now.has(name) || name === '' || /[/\\]/.test(name)) continue;
        this.obsolete.push(prefix + name, `${prefix}thumbs_${name}/`);
      }
    }
  }

  /** After a rollback: the files stored for it go. */
  async rollback(): Promise<void> {
    const keys = this.stored.splice(0);
    this.obsolete.length = 0;
    for (const key of keys) await this.attempt(() => this.deps.store.delete(key), key);
  }

  /** After the commit: the files the writes replaced or removed go. */
  async commit(): Promise<void> {
    this.stored.length = 0;
    for (const key of this.obsolete.splice(0)) {
      await this.attempt(() => (key.endsWith('/') ? this.deps.store.deletePrefix(key) : this.deps.store.delete(key)), key);
    }
  }

  private async attempt(step: () => Promise<void>, key: string): Promise<void> {
    try {
      await step();
    } catch (err) {
      this.deps.logger?.warn({ err, key }, 'files: could not delete a file');
    }
  }
}

/** A record with uploads and no file store to put them in (never the case in a running app). */
export function refuseUploads(record: RecordModel): void {
  for (const field of record.collection.fields) {
    if (field.type === 'file' && toFileList(record.values[field.name]).some(isPendingUpload)) {
      throw badRequest('File uploads are not available here.');
    }
  }
}

function namesOf(value: unknown): string[] {
  return toFileList(value).map((item) => (typeof item === 'string' ? item : item.name));
}

function setNames(record: RecordModel, field: Field, names: string[]): void {
  record.values[field.name] = isMultiValue(field) ? names : (names[names.length - 1] ?? '');
}

export type { PendingUpload };
