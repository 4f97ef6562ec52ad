// Stored file names, made the way PocketBase makes them: the client's name reduced to a
// snake_case stem (ASCII letters, digits and `_` only), a random 10-character suffix so
// names never collide or can be guessed, and a cleaned extension (or one taken from the
// detected content type when the name has none). Nothing of the client's name that could
// reach outside the record's folder (`/`, `\`, `..`, NUL, control characters) survives.
import { randomString } from '../../lib/ids.js';

const RANDOM_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const MAX_INPUT = 300;
const MAX_STEM = 100;
const MAX_EXTENSION = 20;
const EXTENSION_DROP = /[^A-Za-z0-9_.*\-+=#]+/g;
const WORD_SPLIT = /[^A-Za-z0-9]+/;

export interface NameOptions {
  /** Used when the client's name has no usable extension, e.g. `.png` (or ''). */
  detectedExtension: string;
  /** For tests; a cryptographic source by default. */
  random?: (length: number) => string;
}

export function normaliseFileName(original: string, options: NameOptions): string {
  const random = options.random ?? ((length: number) => randomString(length, RANDOM_ALPHABET));
  const name = original.length > MAX_INPUT ? original.slice(original.length - MAX_INPUT) : original;
  const rawExtension = extensionOf(name);
  let extension = `.${trimDots(rawExtension.replace(EXTENSION_DROP, ''))}`;
  if (extension === '.') extension = options.detectedExtension;
  if (extension.length > MAX_EXTENSION) extension = `.${trimDots(extension.slice(extension.length - MAX_EXTENSION))}`;
  let stem = snakeCase(trimDots(name.slice(0, name.length - rawExtension.length)));
  if (stem.length < 3) stem += random(10);
  else if (stem.length > MAX_STEM) stem = stem.slice(0, MAX_STEM);
  return `${stem}_${random(10)}${extension}`;
}

/** From the second-to-last dot when there is one (`a.tar.gz` → `.tar.gz`), else the last. */
function extensionOf(name: string): string {
  const last = name.lastIndexOf('.');
  if (last === -1) return '';
  const before = name.lastIndexOf('.', last - 1);
  return before >= 0 ? name.slice(before) : name.slice(last);
}

function trimDots(text: string): string {
  return text.replace(/^\.+|\.+$/g, '');
}

/** `My Photo-Final` → `my_photo_final`; `myTestDB` → `my_test_db`. */
function snakeCase(text: string): string {
  const words = text.split(WORD_SPLIT).filter((w) => w !== '');
  const out = words.map((word) => {
    let piece = '';
    for (let i = 0; i < word.length; i++) {
      const c = word[i]!;
      if (i > 0 && isUpper(c) && !isUpper(word[i - 1]!)) piece += '_';
      piece += c;
    }
    return piece;
  });
  return out.join('_').toLowerCase();
}

function isUpper(c: string): boolean {
  return c >= 'A' && c <= 'Z';
}
