// PUT /api/collections/import: creates or updates each given collection (matched by id,
// then name); with `deleteMissing`, non-system collections absent from the list are deleted.
// Views are applied after base/auth collections so their sources exist first.
import { AppError, isAppError } from '../errors/index.js';
import type { CollectionService } from './collection-service.js';
import type { CollectionStore } from './collection-store.js';

const FAILED = 'Failed to import collections.';

export async function importCollections(
  service: CollectionService,
  store: CollectionStore,
  list: unknown[],
  deleteMissing: boolean,
): Promise<void> {
  const items = list.filter((c): c is Record<string, unknown> => c !== null && typeof c === 'object' && !Array.isArray(c));
  const ordered = [...items].sort((a, b) => Number(a.type === 'view') - Number(b.type === 'view'));
  const keep = new Set<string>();
  try {
    for (const data of ordered) {
      const ref = typeof data.id === 'string' && data.id !== '' ? data.id : String(data.name ?? '');
      const existing = store.find(ref) ?? store.find(String(data.name ?? ''));
      const saved = existing ? await service.update(existing.id, data) : await service.create(data);
      keep.add(saved.id);
    }
    if (deleteMissing) {
      for (const c of [...store.list()].reverse()) {
        if (!c.system && !keep.has(c.id)) await service.delete(c.id);
      }
    }
  } catch (err) {
    if (isAppError(err) && Object.keys(err.data).length > 0) throw new AppError('bad_request', FAILED, { collections: err.data });
    throw new AppError('bad_request', FAILED, {
      collections: {
        code: 'validation_collections_import_failure',
        message: 'Failed to import the collections configuration.',
      },
    }, { cause: err });
  }
}
