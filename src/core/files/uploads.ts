// Uploaded file parts turned into record input: each part becomes a PendingUpload (its
// stored name, size and real type, still in its temporary file) placed under the body key
// PocketBase reads it from. Saving the record stores pending uploads and swaps them for
// their names (see upload-changes.ts).
import type { Collection } from '../collections/model.js';
import { goToString } from '../collections/fields/go-cast.js';
import { normaliseFileName } from './file-names.js';
import { detectUploadType, typeEssence } from './upload-types.js';

/** A file part as the HTTP layer received it (in a temporary file). */
export interface UploadSource {
  /** The multipart key, e.g. `docs+` or `requests.0.docs`. */
  field: string;
  filename: string;
  /** The part's declared type. */
  mimeType: string;
  path: string;
  size: number;
  /** More arrived than was kept: the file is larger than any field accepts. */
  truncated: boolean;
}

export interface PendingUpload {
  readonly kind: 'pending-upload';
  /** The stored name (`stem_<random>.ext`). */
  name: string;
  originalName: string;
  size: number;
  path: string;
  /** The type it is stored with, from its content. */
  contentType: string;
  /** Types a field's `mimeTypes` may name for it to pass. */
  accepts: string[];
}

export function isPendingUpload(value: unknown): value is PendingUpload {
  return typeof value === 'object' && value !== null && (value as PendingUpload).kind === 'pending-upload';
}

export interface KeyedUpload {
  key: string;
  upload: PendingUpload;
}

/** Reads each part's real type and gives it its stored name. */
export async function prepareUploads(sources: UploadSource[]): Promise<KeyedUpload[]> {
  const out: KeyedUpload[] = [];
  for (const source of sources) {
    if (source.path === '') continue;
    const detected = await detectUploadType(source.path, { filename: source.filename, declared: source.mimeType });
    const upload: PendingUpload = {
      kind: 'pending-upload',
      name: normaliseFileName(source.filename, { detectedExtension: detected.extension }),
      originalName: source.filename,
      // A cut-off file reports one byte over what was kept: enough to fail any size rule.
      size: source.truncated ? source.size + 1 : source.size,
      path: source.path,
      contentType: detected.contentType,
      accepts: detected.accepts.map(typeEssence),
    };
    out.push({ key: source.field, upload });
  }
  return out;
}

/**
 * The record endpoints' rule: files count under `field`, `+field` and `field+` of a file
 * field (others are ignored). Under the plain key they join the names sent with it as
 * text, so a client that lists the names to keep does not lose them; without such names
 * the uploads replace the field's files.
 */
export function mergeUploads(collection: Collection, data: Record<string, unknown>, uploads: KeyedUpload[]): Record<string, unknown> {
  if (uploads.length === 0) return data;
  const keys = new Set<string>();
  for (const field of collection.fields) {
    if (field.type !== 'file') continue;
    keys.add(field.name).add(`+${field.name}`).add(`${field.name}+`);
  }
  const grouped = new Map<string, PendingUpload[]>();
  for (const { key, upload } of uploads) {
    if (!keys.has(key)) continue;
    grouped.set(key, [...(grouped.get(key) ?? []), upload]);
  }
  const out = { ...data };
  for (const [key, files] of grouped) {
    const isPlain = !key.startsWith('+') && !key.endsWith('+');
    const kept = isPlain && out[key] !== undefined && out[key] !== null ? textNames(out[key]) : [];
    out[key] = [...kept, ...files];
  }
  return out;
}

function textNames(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => goToString(v)).filter((v) => v !== '');
}

const BATCH_FILE_KEY = /^requests(?:\.(\d+)\.|\[(\d+)\]\.)(.+)$/;

/**
 * The batch endpoint's rule: a part named `requests.N.key` (or `requests[N].key`) goes to
 * sub-request N under `key`, replacing whatever that key held in its JSON body.
 */
export function attachBatchUploads(bodies: Array<Record<string, unknown>>, uploads: KeyedUpload[]): void {
  const grouped = new Map<string, { index: number; key: string; files: PendingUpload[] }>();
  for (const { key, upload } of uploads) {
    const m = BATCH_FILE_KEY.exec(key);
    if (!m) continue;
    const index = Number(m[1] ?? m[2]);
    if (!Number.isSafeInteger(index) || index >= bodies.length) continue;
    const id = `${index}\u0000${m[3]!}`;
    const entry = grouped.get(id) ?? { index, key: m[3]!, files: [] };
    entry.files.push(upload);
    grouped.set(id, entry);
  }
  for (const { index, key, files } of grouped.values()) bodies[index]![key] = files;
}
