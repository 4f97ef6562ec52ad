// The checks on a pending upload that need its content: the field's `mimeTypes` against
// the type read from the bytes (never the client's header alone), and empty files. The
// count, name and size rules are the field's own (collections/fields/validate-file.ts).
import type { FieldError } from '../errors/index.js';
import type { FileField } from '../collections/model.js';
import { err } from '../collections/fields/messages.js';
import { toFileList } from '../collections/fields/values.js';
import { isPendingUpload } from './uploads.js';

export function uploadError(field: FileField, value: unknown): FieldError | null {
  for (const item of toFileList(value)) {
    if (!isPendingUpload(item)) continue;
    const shown = Buffer.from(item.originalName).subarray(0, 300).toString('utf8');
    if (item.size === 0) {
      // An empty part is refused rather than stored as an empty file (PocketBase stores it).
      return err('validation_empty_file', `Failed to upload ${quote(shown)} - the file is empty.`);
    }
    const allowed = field.mimeTypes ?? [];
    if (allowed.length === 0) continue;
    const accepted = allowed.some((type) => item.accepts.includes(type.trim().toLowerCase()));
    if (!accepted) {
      return err('validation_invalid_mime_type', `${quote(item.name)} mime type must be one of: ${allowed.join(', ')}.`);
    }
  }
  return null;
}

/** Go's %q for the names we print (a JSON string is the same for printable text). */
function quote(text: string): string {
  return JSON.stringify(text);
}
