// File field values: names already stored may be kept, new names only arrive as uploads,
// and their count, names and sizes are bounded (core/field_file.go ValidateValue). The
// files module checks MIME types against the uploaded content.
import type { FieldError } from '../../errors/index.js';
import type { FileField } from '../model.js';
import { err, required } from './messages.js';
import type { ValueContext } from './validate-value.js';
import { fileName, isFileUpload, toFileList, type FileItem } from './values.js';

const DEFAULT_FILE_MAX_SIZE = 5 << 20;
const LOOSE_FILENAME = /^[^./\\][^/\\]+$/;

export function validateFile(field: FileField, value: unknown, ctx: ValueContext): FieldError | null {
  const files = toFileList(value);
  if (files.length === 0) return field.required ? required() : null;
  // Names can only be kept, never invented: every plain name must already be stored.
  const stored = new Set(plainNames(toFileList(ctx.isNew ? undefined : ctx.original)));
  const knowsStored = ctx.isNew || ctx.original !== undefined;
  const invented = knowsStored ? plainNames(files).filter((name) => !stored.has(name)) : [];
  if (invented.length > 0) {
    const invalidFiles = invented.map((name) => Buffer.from(name).subarray(0, 250).toString('utf8'));
    return err('validation_invalid_file', 'Invalid new files: {{.invalidFiles}}.', { invalidFiles });
  }
  const maxSelect = field.maxSelect <= 1 ? 1 : field.maxSelect;
  if (files.length > maxSelect) {
    return err('validation_too_many_files', 'The maximum allowed files is {{.maxSelect}}', { maxSelect });
  }
  const maxSize = field.maxSize > 0 ? field.maxSize : DEFAULT_FILE_MAX_SIZE;
  for (const upload of files.filter(isFileUpload)) {
    const bytes = Buffer.byteLength(upload.name);
    if (bytes < 1 || bytes > 150) {
      return err('validation_length_out_of_range', 'the length must be between {{.min}} and {{.max}}', { min: 1, max: 150 });
    }
    if (!LOOSE_FILENAME.test(upload.name)) return err('validation_match_invalid', 'must be in a valid format');
    if (typeof upload.size === 'number' && upload.size > maxSize) {
      const file = Buffer.from(upload.originalName ?? upload.name).subarray(0, 300).toString('utf8');
      return err(
        'validation_file_size_limit',
        'Failed to upload {{.file}} - the maximum allowed file size is {{.maxSize}} bytes.',
        { file, maxSize },
      );
    }
  }
  return null;
}

function plainNames(files: FileItem[]): string[] {
  return files.filter((f): f is string => typeof f === 'string').map(fileName);
}

