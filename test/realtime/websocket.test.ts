// Realtime over /api/realtime/ws on both engines: the same subscriptions, rules and events as
// the SSE transport, the auth message and identity rules, malformed and oversized messages,
// the upgrade edge, rate limits and shutdown (timing limits: websocket-limits.test.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startTestApp, type TestApp } from '../support/app.js';
import { WsClient, type WsFrame } from '../support/ws.js';
import { startNotesApp, type NotesApp, type Principal } from './notes-fixture.js';

const NOTE_ID = 'wsnote000000001';
const AUTH_MISMATCH = "The current and the previous request authorization don't match.";

interface ErrorBody {
  status: number;
  message: string;
  data: Record<string, unknown>;
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`realtime over WebSocket [${dialect}]`, { timeout: 60_000 }, () => {
    let t: TestApp;
    let tokens: NotesApp['tokens'];
    let ids: NotesApp['ids'];
    let call: NotesApp['call'];
    const clients: WsClient[] = [];

    /** Opens a socket (with the principal's Authorization header, if any) and reads PB_CONNECT. */
    async function open(principal: Principal = 'guest', base = t.url): Promise<{ ws: WsClient; clientId: string }> {
      const headers: Record<string, string> = tokens[principal] ? { authorization: tokens[principal]! } : {};
      const ws = await WsClient.open(`${base}/api/realtime/ws`, headers);
      clients.push(ws);
      const first = await ws.next();
      assert.equal(first.event, 'PB_CONNECT');
      const clientId = (first.data as { clientId: string }).clientId;
      assert.equal(first.id, clientId);
      return { ws, clientId };
    }

    async function subscribe(ws: WsClient, subscriptions: string[]): Promise<void> {
      const answer = await ws.ask({ type: 'subscribe', subscriptions });
      assert.deepEqual(answer, { event: 'PB_SUBSCRIBED', id: answer.id, data: { subscriptions } });
    }

    function errorOf(frame: WsFrame): ErrorBody {
      assert.equal(frame.event, 'PB_ERROR', JSON.stringify(frame));
      return frame.data as ErrorBody;
    }

    /** Events until (and without) the next `pings/*` one, as `topic action id [secret]`. */
    async function eventsUntilPing(ws: WsClient, clientId: string): Promise<string[]> {
      const seen: string[] = [];
      for (;;) {
        const e = await ws.next();
        assert.equal(e.id, clientId);
        if (e.event === 'pings/*') return seen;
        const { action, record } = e.data as { action: string; record: Record<string, unknown> };
        seen.push(`${e.event} ${action} ${String(record.id)} ${'secret' in record ? 'secret' : 'nosecret'}`);
      }
    }

    before(async () => {
      ({ t, tokens, ids, call } = await startNotesApp(dialect));
    });

    after(async () => {
      for (const ws of clients) ws.ws.terminate();
      await t?.close();
    });

    test('PB_CONNECT comes first and registers a client', async () => {
      const before = t.app.core.realtime.size;
      const { clientId } = await open('guest');
      assert.match(clientId, /^[A-Za-z0-9]{40}$/);
      assert.equal(t.app.core.realtime.size, before + 1);
    });

    test('each identity receives exactly the events its rules allow, as through SSE', async () => {
      const subscriptions = ['notes/*', `notes/${NOTE_ID}`, 'pings/*'];
      const conns = {} as Record<Principal, { ws: WsClient; clientId: string }>;
      // guest: no token; owner: Authorization header on the upgrade; other and superuser: auth message.
      conns.guest = await open('guest');
      conns.owner = await open('owner');
      for (const who of ['other', 'superuser'] as const) {
        conns[who] = await open('guest');
        const authed = await conns[who].ws.ask({ type: 'auth', token: who === 'superuser' ? `Bearer ${tokens[who]!}` : tokens[who]! });
        assert.equal(authed.event, 'PB_AUTH', JSON.stringify(authed));
      }
      for (const who of Object.keys(conns) as Principal[]) await subscribe(conns[who].ws, subscriptions);

      const created = await call('POST', '/api/collections/notes/records', 'superuser', { id: NOTE_ID, title: 'a', secret: 's', owner: ids.owner });
      assert.equal(created.status, 200, JSON.stringify(created.json));
      assert.equal((await call('PATCH', `/api/collections/notes/records/${NOTE_ID}`, 'superuser', { title: 'b' })).status, 200);
      assert.equal((await call('DELETE', `/api/collections/notes/records/${NOTE_ID}`, 'superuser')).status, 204);
      assert.equal((await call('POST', '/api/collections/pings/records', 'guest', { n: 1 })).status, 200);

      const seenBy = (secret: 'secret' | 'nosecret') => [
        `notes/* create ${NOTE_ID} ${secret}`,
        `notes/${NOTE_ID} create ${NOTE_ID} ${secret}`,
        `notes/* update ${NOTE_ID} ${secret}`,
        `notes/${NOTE_ID} update ${NOTE_ID} ${secret}`,
        `notes/* delete ${NOTE_ID} ${secret}`,
        `notes/${NOTE_ID} delete ${NOTE_ID} ${secret}`,
      ];
      const expected: Record<Principal, string[]> = { guest: [], other: [], owner: seenBy('nosecret'), superuser: seenBy('secret') };
      for (const who of Object.keys(conns) as Principal[]) {
        assert.deepEqual(await eventsUntilPing(conns[who].ws, conns[who].clientId), expected[who], who);
      }
    });

    test('the auth message: a guest may become a user; a bad token is 401, another identity 403', async () => {
      const { ws } = await open('guest');
      const missing = errorOf(await ws.ask({ type: 'auth' }));
      assert.equal(missing.status, 400);
      assert.ok(missing.data.token);
      const invalid = errorOf(await ws.ask({ type: 'auth', token: 'not-a-token' }));
      assert.equal(invalid.status, 401);
      const authed = await ws.ask({ type: 'auth', token: tokens.owner! });
      assert.deepEqual(authed.data, { record: { id: ids.owner, collectionId: '_pb_users_auth_', collectionName: 'users' } });
      const refused = errorOf(await ws.ask({ type: 'auth', token: tokens.other! }));
      assert.deepEqual(refused, { data: {}, message: AUTH_MISMATCH, status: 403 });
      // The same identity again is fine; the connection is still open and still the owner's.
      assert.equal((await ws.ask({ type: 'auth', token: tokens.owner! })).event, 'PB_AUTH');
      await subscribe(ws, ['notes/*']);
      const made = await call('POST', '/api/collections/notes/records', 'superuser', { title: 'mine', owner: ids.owner });
      const event = await ws.next();
      assert.equal(event.event, 'notes/*');
      assert.equal((event.data as { record: { id: string } }).record.id, made.json.id);

      // Authenticated by the upgrade's header: switching identity is refused the same way.
      const byHeader = await open('owner');
      assert.equal(errorOf(await byHeader.ws.ask({ type: 'auth', token: tokens.superuser! })).status, 403);
    });

    test('subscriptions are validated as POST /api/realtime validates them', async () => {
      const { ws } = await open('guest');
      const tooMany = errorOf(await ws.ask({ type: 'subscribe', subscriptions: Array.from({ length: 1001 }, (_, i) => `n/${i}`) }));
      assert.equal(tooMany.status, 400);
      assert.ok(tooMany.data.subscriptions);
      const tooLong = errorOf(await ws.ask({ type: 'subscribe', subscriptions: ['x'.repeat(2501)] }));
      assert.equal(tooLong.status, 400);
      assert.ok((tooLong.data.subscriptions as Record<string, unknown>)['0']);
      assert.equal(errorOf(await ws.ask({ type: 'subscribe', subscriptions: 'notes/*' })).status, 400);
      await subscribe(ws, ['notes/*', 'pings/*']);
      await subscribe(ws, []);
    });

    test('malformed messages get PB_ERROR 400 and the socket stays open, until too many', async () => {
      const { ws } = await open('guest');
      const badJson = errorOf(await ws.ask('{nope'));
      assert.deepEqual(badJson, { data: {}, message: 'The message is not valid JSON.', status: 400 });
      const unknownType = errorOf(await ws.ask({ type: 'dance' }));
      assert.equal(unknownType.status, 400);
      assert.ok(unknownType.data.type);
      assert.equal(errorOf(await ws.ask('[1,2]')).status, 400);
      ws.ws.send(Buffer.from('{"type":"subscribe"}'), { binary: true });
      assert.equal(errorOf(await ws.next()).status, 400);
      // Still served after four bad messages.
      await subscribe(ws, ['pings/*']);
      // The 21st bad message is answered, then the socket is closed as a policy violation.
      for (let i = 5; i <= 21; i++) assert.equal(errorOf(await ws.ask('{')).status, 400, `bad message ${i}`);
      assert.deepEqual(await ws.closed, { code: 1008, reason: 'Too many invalid messages.' });
    });

    test('a message of 64 KiB is read; a larger one closes the socket with 1009', async () => {
      const { ws } = await open('guest');
      const frame = (size: number) => {
        const shell = JSON.stringify({ type: 'pad', pad: '' });
        return JSON.stringify({ type: 'pad', pad: 'x'.repeat(size - shell.length) });
      };
      assert.equal(Buffer.byteLength(frame(64 * 1024)), 64 * 1024);
      assert.equal(errorOf(await ws.ask(frame(64 * 1024))).status, 400);
      ws.send(frame(64 * 1024 + 1));
      assert.equal((await ws.closed).code, 1009);
    });

    test('the upgrade edge: unknown path 404, bad handshake 400, plain GET 400, other upgrades served', async () => {
      const raw = (path: string, headers: Record<string, string>) =>
        new Promise<{ status: number; body: string; closed: Promise<void> }>((resolve, reject) => {
          const req = request(`${t.url}${path}`, { headers: { connection: 'Upgrade', ...headers } });
          req.on('upgrade', () => reject(new Error('unexpected upgrade')));
          req.on('response', (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            const closed = new Promise<void>((done) => res.socket.once('close', () => done()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body, closed }));
          });
          req.on('error', reject);
          req.end();
        });
      const wsHeaders = { upgrade: 'websocket', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' };
      const unknown = await raw('/api/realtime/nope', wsHeaders);
      assert.equal(unknown.status, 404);
      assert.equal(JSON.parse(unknown.body).status, 404);
      await unknown.closed;
      const badHandshake = await raw('/api/realtime/ws', { upgrade: 'websocket', 'sec-websocket-version': '13' });
      assert.deepEqual(JSON.parse(badHandshake.body), { data: {}, message: 'Invalid WebSocket handshake.', status: 400 });
      await badHandshake.closed;
      const plain = await fetch(`${t.url}/api/realtime/ws`);
      assert.equal(plain.status, 400);
      assert.equal(((await plain.json()) as ErrorBody).status, 400);
      const h2c = await raw('/api/health', { upgrade: 'h2c', 'http2-settings': 'AAMAAABkAAQAAP__' });
      assert.equal(h2c.status, 200);
      assert.equal(JSON.parse(h2c.body).code, 200);
    });

    test('rate limits apply to the upgrade request', async () => {
      const rateLimits = (enabled: boolean) => ({
        rateLimits: { enabled, excludedIPs: [], rules: [{ label: '/api/realtime/ws', audience: '', duration: 3600, maxRequests: 1 }] },
      });
      assert.equal((await call('PATCH', '/api/settings', 'superuser', rateLimits(true))).status, 200);
      try {
        await open('guest');
        await assert.rejects(WsClient.open(`${t.url}/api/realtime/ws`), /upgrade refused: 429/);
      } finally {
        assert.equal((await call('PATCH', '/api/settings', 'superuser', rateLimits(false))).status, 200);
      }
    });

    test('closing the app closes sockets with 1001, forgets their clients and stops', async () => {
      const other = await startTestApp(dialect);
      let stopped = false;
      try {
        const { ws } = await open('guest', other.url);
        assert.equal(other.app.core.realtime.size, 1);
        const closing = other.close().then(() => (stopped = true));
        assert.deepEqual(await ws.closed, { code: 1001, reason: 'Server closing.' });
        assert.equal(other.app.core.realtime.size, 0);
        await closing;
      } finally {
        if (!stopped) await other.close();
      }
    });
  });
}
