// A running app with a `docs` collection for the upload suites: one single-file field, a
// multi-file field, a small images-only field, and a superuser SDK client.
import PocketBase from 'pocketbase';
import type { BlobStore } from '../../src/storage/types.js';
import { startTestApp, type TestApp } from '../support/app.js';
import type { DialectName } from '../../src/db/types.js';

export interface UploadApp {
  t: TestApp;
  pb: PocketBase;
  /** A guest client (the collection is open to everyone). */
  guest: PocketBase;
  collectionId: string;
  store(): BlobStore;
  /** Every key under the collection's folder, sorted. */
  keys(prefix?: string): Promise<string[]>;
}

/** The 8-byte PNG signature and a minimal header: enough for content sniffing. */
export const PNG_BYTES = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

export async function startUploadApp(dialect: DialectName): Promise<UploadApp> {
  const t = await startTestApp(dialect);
  await t.app.core.superusers.create('root@example.com', 'root-password-1');
  const pb = new PocketBase(t.url);
  pb.autoCancellation(false);
  await pb.collection('_superusers').authWithPassword('root@example.com', 'root-password-1');
  const created = await pb.collections.create({
    name: 'docs',
    type: 'base',
    listRule: '',
    viewRule: '',
    createRule: '',
    updateRule: '',
    deleteRule: '',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'cover', type: 'file', maxSelect: 1 },
      { name: 'attachments', type: 'file', maxSelect: 3, maxSize: 1 << 20 },
      { name: 'images', type: 'file', maxSelect: 2, maxSize: 1000, mimeTypes: ['image/png', 'image/jpeg'] },
      { name: 'notes', type: 'file', maxSelect: 1, mimeTypes: ['text/plain', 'text/csv'] },
      { name: 'big', type: 'file', maxSelect: 1, maxSize: 200 << 20 },
    ],
  });
  const guest = new PocketBase(t.url);
  guest.autoCancellation(false);
  const store = () => t.app.core.files.current();
  return {
    t,
    pb,
    guest,
    collectionId: created.id,
    store,
    async keys(prefix = `${created.id}/`) {
      const out: string[] = [];
      for await (const key of store().list(prefix)) out.push(key);
      return out.sort();
    },
  };
}

export function textFile(text: string, name: string, type = 'text/plain'): File {
  return new File([text], name, { type });
}
