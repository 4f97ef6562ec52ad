// The app the file-serving suites start from: a superuser, two users, and `docs` (viewable by
// its owner only) with a public single file field, a public multi-file field with thumb sizes
// and a protected field. One record of `owner` lists files that are put straight into the
// current store, so serving is tested apart from uploads.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import type { TestApp } from '../support/app.js';
import { startUsersApp, type Principal } from '../support/users-app.js';

export type { Principal };

export const THUMB_SIZES = ['50x50', '40x0', '0x30', '60x30', '60x30t', '60x30b', '60x30f', '500x500f', '70x70'];
export const RECORD_ID = 'doc000000000001';
export const FILES = {
  text: 'notes_a1b2c3d4e5.txt',
  png: 'stripes_a1b2c3d4e5.png',
  gif: 'anim_a1b2c3d4e5.gif',
  bomb: 'bomb_a1b2c3d4e5.png',
  huge: 'huge_a1b2c3d4e5.png',
  secret: 'private_a1b2c3d4e5.txt',
  svg: 'logo_a1b2c3d4e5.svg',
  /** Listed by the record, never stored. */
  ghost: 'ghost_a1b2c3d4e5.png',
} as const;
export const TEXT = 'hello, file serving\n'.repeat(5);
export const SECRET_TEXT = 'only for the owner';

export interface FilesApp {
  t: TestApp;
  collectionId: string;
  tokens: Record<Principal, string | null>;
  ids: Record<'owner' | 'other', string>;
  /** The PNG as stored: 200×300, the top half red and the bottom half blue. */
  png: Buffer;
  call(method: string, path: string, principal: Principal, body?: unknown): Promise<{ status: number; json: ReturnType<typeof JSON.parse> }>;
}

/** 200×300 RGB: rows 0–149 red, rows 150–299 blue (so crops from the top and bottom differ). */
export async function stripesPng(): Promise<Buffer> {
  const width = 200;
  const height = 300;
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      if (y < 150) raw[at] = 255;
      else raw[at + 2] = 255;
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** A PNG whose header claims 100000×100000 pixels with almost no data: a decompression bomb. */
export function bombPng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(100_000, 0);
  header.writeUInt32BE(100_000, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), chunk('IEND', Buffer.alloc(0))]);
}

/** A real, valid 7000×7000 PNG (49 MP, about 140 KB): over the thumbnail pixel budget. */
export function hugePng(): Promise<Buffer> {
  return sharp({ create: { width: 7000, height: 7000, channels: 3, background: { r: 0, g: 0, b: 0 } } })
    .png({ compressionLevel: 9 })
    .toBuffer();
}

async function animatedGif(): Promise<Buffer> {
  // Two frames stacked vertically become two pages: green then white.
  const frame = (g: number, b: number) => ({ create: { width: 40, height: 40, channels: 3 as const, background: { r: g === 255 && b === 255 ? 255 : 0, g, b } } });
  const pages = await Promise.all([sharp(frame(255, 0)).raw().toBuffer(), sharp(frame(255, 255)).raw().toBuffer()]);
  return sharp(Buffer.concat(pages), { raw: { width: 40, height: 80, channels: 3, pageHeight: 40 } }).gif().toBuffer();
}

export async function startFilesApp(dialect: 'sqlite' | 'postgres'): Promise<FilesApp> {
  const { t, tokens, ids, call } = await startUsersApp(dialect);
  const ownerOnly = 'owner = @request.auth.id';
  const docs = await call('POST', '/api/collections', 'superuser', {
    name: 'docs',
    type: 'base',
    listRule: ownerOnly,
    viewRule: ownerOnly,
    fields: [
      { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
      { name: 'doc', type: 'file', maxSelect: 1, maxSize: 1_000_000 },
      { name: 'gallery', type: 'file', maxSelect: 10, maxSize: 1_000_000, thumbs: THUMB_SIZES },
      { name: 'secret', type: 'file', maxSelect: 1, maxSize: 1_000_000, protected: true },
    ],
  });
  assert.equal(docs.status, 200, JSON.stringify(docs.json));
  const collectionId: string = docs.json.id;

  // The row goes in with SQL: the record API's own file handling is not what is tested here.
  const db = t.app.db;
  const json = db.dialect.name === 'postgres' ? 'CAST(? AS JSONB)' : '?';
  const gallery = JSON.stringify([FILES.png, FILES.gif, FILES.bomb, FILES.huge, FILES.svg, FILES.ghost]);
  await db.run(`INSERT INTO "docs" ("id", "owner", "doc", "gallery", "secret") VALUES (?, ?, ?, ${json}, ?)`, [
    RECORD_ID,
    ids.owner,
    FILES.text,
    gallery,
    FILES.secret,
  ]);
  const png = await stripesPng();
  const store = t.app.core.files.current();
  const put = (name: string, body: Buffer | string, contentType: string) =>
    store.put(`${collectionId}/${RECORD_ID}/${name}`, Readable.from([Buffer.from(body)]), { contentType });
  await put(FILES.text, TEXT, 'text/plain; charset=utf-8');
  await put(FILES.png, png, 'image/png');
  await put(FILES.gif, await animatedGif(), 'image/gif');
  await put(FILES.bomb, bombPng(), 'image/png');
  await put(FILES.huge, await hugePng(), 'image/png');
  await put(FILES.secret, SECRET_TEXT, 'text/plain; charset=utf-8');
  await put(FILES.svg, '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 'image/svg+xml');
  return { t, collectionId, tokens, ids, png, call };
}
