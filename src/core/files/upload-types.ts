// What an uploaded file really is, read from its content, not from the client's word: the
// `mimeTypes` option of a file field is checked against this, and it is the type the file
// is stored with. Binary formats are known by their magic numbers (`file-type`); text has
// none, so text content is `text/plain` unless its first bytes say HTML, SVG or XML, or it
// parses as JSON, as PocketBase's detector does. For text the type the file name's
// extension or the part's header names is accepted too when it is itself a text type
// (a `.csv` or `.md` file has nothing else to tell it apart).
import { open, readFile } from 'node:fs/promises';
import { fileTypeFromFile } from 'file-type';

const SAMPLE_BYTES = 4096;
/** JSON is recognised only in files small enough to parse whole, as a sniffer would. */
const MAX_JSON_SNIFF = 1 << 20;

export interface DetectedType {
  /** The stored content type, e.g. `image/png` or `text/plain; charset=utf-8`. */
  contentType: string;
  /** Types this file is accepted as by a field's `mimeTypes` (lower-case essences). */
  accepts: string[];
  /** The extension for names that have none, e.g. `.png` ('' when unknown). */
  extension: string;
}

const TEXT_BY_EXTENSION: Record<string, string> = {
  txt: 'text/plain',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  md: 'text/markdown',
  markdown: 'text/markdown',
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  js: 'text/javascript',
  mjs: 'text/javascript',
  json: 'application/json',
  xml: 'application/xml',
  svg: 'image/svg+xml',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  ics: 'text/calendar',
  vtt: 'text/vtt',
};

/** `image/png; charset=x` → `image/png`. */
export function typeEssence(type: string): string {
  return type.split(';')[0]!.trim().toLowerCase();
}

export async function detectUploadType(path: string, hints: { filename: string; declared: string }): Promise<DetectedType> {
  const magic = await fileTypeFromFile(path).catch(() => undefined);
  if (magic) return { contentType: magic.mime, accepts: [magic.mime], extension: `.${magic.ext}` };
  const { sample, size } = await readSample(path);
  if (!looksLikeText(sample)) return { contentType: 'application/octet-stream', accepts: ['application/octet-stream'], extension: '' };
  const sniffed = await sniffText(path, { sample, size });
  const accepts = new Set([sniffed.essence, 'text/plain']);
  const ext = hints.filename.includes('.') ? hints.filename.slice(hints.filename.lastIndexOf('.') + 1).toLowerCase() : '';
  const byName = TEXT_BY_EXTENSION[ext];
  if (byName) accepts.add(byName);
  const declared = typeEssence(hints.declared);
  if (isTextType(declared)) accepts.add(declared);
  return { contentType: `${sniffed.essence}; charset=utf-8`, accepts: [...accepts], extension: sniffed.extension };
}

async function readSample(path: string): Promise<{ sample: Buffer; size: number }> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.min(SAMPLE_BYTES, size));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return { sample: buffer.subarray(0, bytesRead), size };
  } finally {
    await handle.close();
  }
}

/** No NUL bytes and valid UTF-8 (a character cut by the end of the sample is fine). */
function looksLikeText(sample: Buffer): boolean {
  if (sample.includes(0)) return false;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let cut = 0; cut < 4 && cut <= sample.length; cut++) {
    try {
      decoder.decode(sample.subarray(0, sample.length - cut));
      return true;
    } catch {
      // try again without a possibly cut last character
    }
  }
  return false;
}

function isTextType(essence: string): boolean {
  return essence.startsWith('text/') || Object.values(TEXT_BY_EXTENSION).includes(essence);
}

async function sniffText(path: string, read: { sample: Buffer; size: number }): Promise<{ essence: string; extension: string }> {
  const head = read.sample.toString('utf8').replace(/^\uFEFF/, '').trimStart().slice(0, 512).toLowerCase();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return { essence: 'image/svg+xml', extension: '.svg' };
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) return { essence: 'text/html', extension: '.html' };
  if (head.startsWith('<?xml')) return { essence: 'text/xml', extension: '.xml' };
  if ((head.startsWith('{') || head.startsWith('[')) && read.size <= MAX_JSON_SNIFF) {
    try {
      JSON.parse(await readFile(path, 'utf8'));
      return { essence: 'application/json', extension: '.json' };
    } catch {
      // not JSON after all: plain text
    }
  }
  return { essence: 'text/plain', extension: '.txt' };
}
