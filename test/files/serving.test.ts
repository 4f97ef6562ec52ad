// GET /api/files/... and POST /api/files/token on both engines: content, headers, validators,
// conditional and range requests, bad names, protected files with right, wrong, expired and
// foreign tokens, and the pocketbase SDK's getURL/getToken.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import PocketBase from 'pocketbase';
import { signToken } from '../../src/core/auth/tokens.js';
import { FILES, RECORD_ID, SECRET_TEXT, startFilesApp, TEXT, type FilesApp } from './serving-fixture.js';

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`file serving [${dialect}]`, () => {
    let f: FilesApp;
    const fileUrl = (name: string, query = '') => `${f.t.url}/api/files/docs/${RECORD_ID}/${name}${query}`;

    before(async () => {
      f = await startFilesApp(dialect);
    });
    after(async () => {
      await f.t.close();
    });

    test('a public file goes to anyone, whatever the view rule, with its stored type as an attachment', async () => {
      const res = await fetch(fileUrl(FILES.text));
      assert.equal(res.status, 200);
      assert.equal(await res.text(), TEXT);
      assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
      assert.equal(res.headers.get('content-disposition'), `attachment; filename=${FILES.text}`);
      assert.equal(res.headers.get('content-security-policy'), "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox");
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('cache-control'), 'max-age=2592000, stale-while-revalidate=86400');
      assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(TEXT)));
      assert.equal(res.headers.get('accept-ranges'), 'bytes');
      assert.match(res.headers.get('etag') ?? '', /^"[0-9a-f]{32}"$/);
      assert.ok(Date.parse(res.headers.get('last-modified') ?? '') > 0);
      // The record itself stays hidden from a guest.
      assert.equal((await f.call('GET', `/api/collections/docs/records/${RECORD_ID}`, 'guest')).status, 404);
    });

    test('images are inline, SVG never; ?download=1 forces an attachment', async () => {
      const png = await fetch(fileUrl(FILES.png));
      assert.equal(png.status, 200);
      assert.deepEqual(Buffer.from(await png.arrayBuffer()), f.png);
      assert.equal(png.headers.get('content-disposition'), `inline; filename=${FILES.png}`);
      assert.equal(png.headers.get('content-type'), 'image/png');
      const svg = await fetch(fileUrl(FILES.svg));
      assert.equal(svg.headers.get('content-disposition'), `attachment; filename=${FILES.svg}`);
      assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
      await svg.arrayBuffer();
      for (const [flag, disposition] of [['1', 'attachment'], ['true', 'attachment'], ['0', 'inline'], ['yes', 'inline']]) {
        const res = await fetch(fileUrl(FILES.png, `?download=${flag}`));
        assert.equal(res.headers.get('content-disposition'), `${disposition}; filename=${FILES.png}`, flag);
        await res.arrayBuffer();
      }
    });

    test('HEAD answers the headers without a body', async () => {
      const res = await fetch(fileUrl(FILES.text), { method: 'HEAD' });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(TEXT)));
      assert.equal(await res.text(), '');
    });

    test('conditional requests: 304 on a matching ETag or a date not older than the file', async () => {
      const first = await fetch(fileUrl(FILES.text));
      await first.text();
      const etag = first.headers.get('etag')!;
      const modified = first.headers.get('last-modified')!;
      const byTag = await fetch(fileUrl(FILES.text), { headers: { 'if-none-match': etag } });
      assert.equal(byTag.status, 304);
      assert.equal(byTag.headers.get('etag'), etag);
      assert.equal(await byTag.text(), '');
      const otherTag = await fetch(fileUrl(FILES.text), { headers: { 'if-none-match': '"something-else"' } });
      assert.equal(otherTag.status, 200);
      assert.equal(await otherTag.text(), TEXT);
      const byDate = await fetch(fileUrl(FILES.text), { headers: { 'if-modified-since': modified } });
      assert.equal(byDate.status, 304);
      const older = new Date(Date.parse(modified) - 60_000).toUTCString();
      const stale = await fetch(fileUrl(FILES.text), { headers: { 'if-modified-since': older } });
      assert.equal(stale.status, 200);
      await stale.text();
      const failed = await fetch(fileUrl(FILES.text), { headers: { 'if-match': '"something-else"' } });
      assert.equal(failed.status, 412);
      await failed.text();
    });

    test('ranges: 206 with Content-Range, suffix ranges, 416 past the end, If-Range', async () => {
      const size = Buffer.byteLength(TEXT);
      const part = await fetch(fileUrl(FILES.text), { headers: { range: 'bytes=2-9' } });
      assert.equal(part.status, 206);
      assert.equal(part.headers.get('content-range'), `bytes 2-9/${size}`);
      assert.equal(part.headers.get('content-length'), '8');
      assert.equal(await part.text(), TEXT.slice(2, 10));
      const suffix = await fetch(fileUrl(FILES.text), { headers: { range: 'bytes=-5' } });
      assert.equal(suffix.status, 206);
      assert.equal(await suffix.text(), TEXT.slice(-5));
      const open = await fetch(fileUrl(FILES.text), { headers: { range: `bytes=${size - 3}-` } });
      assert.equal(await open.text(), TEXT.slice(-3));
      const beyond = await fetch(fileUrl(FILES.text), { headers: { range: `bytes=${size}-${size + 10}` } });
      assert.equal(beyond.status, 416);
      assert.equal(beyond.headers.get('content-range'), `bytes */${size}`);
      assert.equal(((await beyond.json()) as { status: number }).status, 416);
      const stale = await fetch(fileUrl(FILES.text), { headers: { range: 'bytes=0-3', 'if-range': '"old"' } });
      assert.equal(stale.status, 200);
      assert.equal(await stale.text(), TEXT);
    });

    test('missing or impossible names are 404 with PocketBase body, never an error', async () => {
      const paths = [
        `/api/files/nope/${RECORD_ID}/${FILES.text}`,
        `/api/files/docs/missing00000001/${FILES.text}`,
        `/api/files/docs/${RECORD_ID}/not_listed.txt`,
        `/api/files/docs/${RECORD_ID}/..%2F..%2Fdata.db`,
        `/api/files/docs/${RECORD_ID}/%2E%2E`,
        `/api/files/docs/${RECORD_ID}/a%00b.txt`,
        `/api/files/docs/%00/${FILES.text}`,
        `/api/files/docs/${RECORD_ID}/${'x'.repeat(1500)}`,
        `/api/files/docs/${RECORD_ID}/${encodeURIComponent('ü€😀')}`,
        // Listed by the record but absent from the store, with and without a thumb.
        `/api/files/docs/${RECORD_ID}/${FILES.ghost}`,
        `/api/files/docs/${RECORD_ID}/${FILES.ghost}?thumb=100x100`,
      ];
      for (const path of paths) {
        const res = await fetch(f.t.url + path);
        assert.equal(res.status, 404, path);
        assert.deepEqual(await res.json(), { data: {}, message: "The requested resource wasn't found.", status: 404 }, path);
      }
    });

    test('a protected file needs a file token of someone the view rule lets see the record', async () => {
      const url = (token?: string) => fileUrl(FILES.secret, token === undefined ? '' : `?token=${encodeURIComponent(token)}`);
      const tokenOf = async (principal: 'owner' | 'other' | 'superuser') => {
        const res = await f.call('POST', '/api/files/token', principal);
        assert.equal(res.status, 200);
        return res.json.token as string;
      };
      assert.equal((await fetch(url())).status, 404);
      const owner = await fetch(url(await tokenOf('owner')));
      assert.equal(owner.status, 200);
      assert.equal(await owner.text(), SECRET_TEXT);
      assert.equal(owner.headers.get('cache-control'), 'private, max-age=2592000, stale-while-revalidate=86400');
      const other = await fetch(url(await tokenOf('other')));
      assert.equal(other.status, 404);
      await other.text();
      const superuser = await fetch(url(await tokenOf('superuser')));
      assert.equal(superuser.status, 200);
      await superuser.text();
      // An auth token is not a file token, even the owner's.
      assert.equal((await fetch(url(f.tokens.owner!))).status, 404);
      // An auth header does not open protected files either.
      assert.equal((await fetch(url(), { headers: { authorization: f.tokens.owner! } })).status, 404);
      // Signed right but expired an hour ago.
      const users = f.t.app.core.registry.byNameOrId('users')!;
      const account = await f.t.app.db.get<{ tokenKey: string }>('SELECT "tokenKey" FROM "users" WHERE "id" = ?', [f.ids.owner]);
      const expired = await signToken({ type: 'file', id: f.ids.owner, collectionId: users.id }, account!.tokenKey + users.auth!.fileToken.secret, {
        durationSeconds: 60,
        clock: { now: () => new Date(Date.now() - 3_600_000) },
      });
      assert.equal((await fetch(url(expired))).status, 404);
      const fresh = await signToken({ type: 'file', id: f.ids.owner, collectionId: users.id }, account!.tokenKey + users.auth!.fileToken.secret, {
        durationSeconds: 60,
        clock: { now: () => new Date() },
      });
      const ok = await fetch(url(fresh));
      assert.equal(ok.status, 200);
      await ok.text();
      assert.equal((await fetch(url(fresh.slice(0, -2) + 'xx'))).status, 404);
    });

    test('POST /api/files/token: 401 for guests, a short-lived file token for accounts', async () => {
      const guest = await f.call('POST', '/api/files/token', 'guest');
      assert.equal(guest.status, 401);
      assert.deepEqual(guest.json, { data: {}, message: 'The request requires valid record authorization token.', status: 401 });
      const res = await f.call('POST', '/api/files/token', 'owner');
      assert.equal(res.status, 200);
      assert.deepEqual(Object.keys(res.json), ['token']);
      const claims = JSON.parse(Buffer.from(res.json.token.split('.')[1], 'base64url').toString());
      assert.equal(claims.type, 'file');
      assert.equal(claims.id, f.ids.owner);
      const lifetime = claims.exp - Date.now() / 1000;
      assert.ok(lifetime > 100 && lifetime <= 180, String(lifetime));
    });

    test("a view's files come from the record they were uploaded to; the view's rule decides on protected ones", async () => {
      const view = await f.call('POST', '/api/collections', 'superuser', {
        name: 'docs_view',
        type: 'view',
        listRule: '',
        viewRule: '',
        viewQuery: 'SELECT d.id, d.gallery AS pictures, d.secret FROM docs d',
      });
      assert.equal(view.status, 200, JSON.stringify(view.json));
      const base = `${f.t.url}/api/files/docs_view/${RECORD_ID}`;
      const png = await fetch(`${base}/${FILES.png}`);
      assert.equal(png.status, 200);
      assert.deepEqual(Buffer.from(await png.arrayBuffer()), f.png);
      const thumb = await fetch(`${base}/${FILES.png}?thumb=50x50`);
      assert.equal(thumb.headers.get('content-disposition'), `inline; filename=50x50_${FILES.png}`);
      await thumb.arrayBuffer();
      // Protected in the view too, but its view rule is open to everyone.
      const secret = await fetch(`${base}/${FILES.secret}`);
      assert.equal(secret.status, 200);
      assert.equal(await secret.text(), SECRET_TEXT);
      assert.equal((await fetch(`${base}/${FILES.text}`)).status, 404);
    });

    // It locks the superuser out of this app: no later test needs one.
    test("a superuser's file token from outside the superuser IP allowlist opens nothing", async () => {
      const url = (token: string) => fileUrl(FILES.secret, `?token=${encodeURIComponent(token)}`);
      const superuser = (await f.call('POST', '/api/files/token', 'superuser')).json.token as string;
      const owner = (await f.call('POST', '/api/files/token', 'owner')).json.token as string;
      const before = await fetch(url(superuser));
      assert.equal(before.status, 200);
      await before.text();
      const locked = await f.call('PATCH', '/api/settings', 'superuser', { superuserIPs: ['10.9.9.9'] });
      assert.equal(locked.status, 200, JSON.stringify(locked.json));
      assert.equal((await fetch(url(superuser))).status, 404);
      const stillOwner = await fetch(url(owner));
      assert.equal(stillOwner.status, 200);
      assert.equal(await stillOwner.text(), SECRET_TEXT);
    });

    test('the pocketbase SDK: getURL with thumb, download and token; getToken', async () => {
      const pb = new PocketBase(f.t.url);
      await pb.collection('users').authWithPassword('owner@example.com', 'user-password-1');
      const record = await pb.collection('docs').getOne(RECORD_ID);
      assert.equal(record.doc, FILES.text);
      const text = await fetch(pb.files.getURL(record, record.doc as string));
      assert.equal(await text.text(), TEXT);
      const thumb = await fetch(pb.files.getURL(record, FILES.png, { thumb: '100x100' }));
      assert.equal(thumb.headers.get('content-disposition'), `inline; filename=100x100_${FILES.png}`);
      await thumb.arrayBuffer();
      const download = await fetch(pb.files.getURL(record, FILES.png, { download: true }));
      assert.equal(download.headers.get('content-disposition'), `attachment; filename=${FILES.png}`);
      await download.arrayBuffer();
      const token = await pb.files.getToken();
      assert.notEqual(token, '');
      const secret = await fetch(pb.files.getURL(record, record.secret as string, { token }));
      assert.equal(secret.status, 200);
      assert.equal(await secret.text(), SECRET_TEXT);
      pb.authStore.clear();
      assert.equal((await fetch(pb.files.getURL(record, record.secret as string))).status, 404);
    });
  });
}
