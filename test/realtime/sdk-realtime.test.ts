// Realtime over /api/realtime on both engines, driven with raw HTTP and an SSE reader
// (the SDK's subscribe needs an EventSource, which Node 20 lacks). Asserts exactly which
// events a guest, two users and a superuser receive under an owner-only rule.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createHttpServer } from '../../src/http/server.js';
import { realtimeRoutes } from '../../src/http/routes/realtime.js';
import type { TestApp } from '../support/app.js';
import { startNotesApp, type NotesApp, type Principal } from './notes-fixture.js';
import PocketBase, { type RecordSubscription } from 'pocketbase';
import { SseStream, TestEventSource } from '../support/sse.js';

// The SDK's realtime service opens `new EventSource(url)`; Node 20 has none.
(globalThis as { EventSource?: unknown }).EventSource ??= TestEventSource;

const PRINCIPALS: Principal[] = ['guest', 'owner', 'other', 'superuser'];
const NOTE_ID = 'note00000000001';
const BATCH_ID = 'note00000000002';
const ROLLED_BACK_ID = 'note00000000003';

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`realtime [${dialect}]`, () => {
    let t: TestApp;
    let tokens: NotesApp['tokens'];
    let ids: NotesApp['ids'];
    let call: NotesApp['call'];
    const streams: SseStream[] = [];

    async function connect(principal: Principal = 'guest'): Promise<{ stream: SseStream; clientId: string }> {
      const headers: Record<string, string> = tokens[principal] ? { authorization: tokens[principal]! } : {};
      const { stream, response } = await SseStream.open(`${t.url}/api/realtime`, headers);
      streams.push(stream);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'text/event-stream');
      const first = await stream.next();
      assert.equal(first.event, 'PB_CONNECT');
      const clientId = (JSON.parse(first.data) as { clientId: string }).clientId;
      assert.equal(first.id, clientId);
      return { stream, clientId };
    }

    /** Events until (and without) the next `pings/*` one, as `topic action id [fields]`. */
    async function eventsUntilPing(stream: SseStream): Promise<string[]> {
      const seen: string[] = [];
      for (;;) {
        const e = await stream.next();
        if (e.event === 'pings/*') return seen;
        const { action, record } = JSON.parse(e.data) as { action: string; record: Record<string, unknown> };
        seen.push(`${e.event} ${action} ${String(record.id)} ${'secret' in record ? 'secret' : 'nosecret'}`);
      }
    }

    before(async () => {
      ({ t, tokens, ids, call } = await startNotesApp(dialect));
      const settings = await call('PATCH', '/api/settings', 'superuser', { batch: { enabled: true, maxRequests: 10, timeout: 3 } });
      assert.equal(settings.status, 200, JSON.stringify(settings.json));
    });

    after(async () => {
      for (const stream of streams) stream.close();
      await t?.close();
    });

    test('PB_CONNECT carries the client id; subscription errors are PocketBase’s', async () => {
      const { clientId } = await connect('owner');
      assert.equal(clientId.length, 40);
      const ok = await call('POST', '/api/realtime', 'owner', { clientId, subscriptions: ['notes/*'] });
      assert.equal(ok.status, 204);
      const unknown = await call('POST', '/api/realtime', 'owner', { clientId: 'nope', subscriptions: [] });
      assert.equal(unknown.status, 404);
      assert.equal(unknown.json.message, 'Missing or invalid client id.');
      const otherIdentity = await call('POST', '/api/realtime', 'other', { clientId, subscriptions: ['notes/*'] });
      assert.equal(otherIdentity.status, 403);
      const asGuest = await call('POST', '/api/realtime', 'guest', { clientId, subscriptions: ['notes/*'] });
      assert.equal(asGuest.status, 403);
      const tooMany = await call('POST', '/api/realtime', 'owner', { clientId, subscriptions: Array.from({ length: 1001 }, (_, i) => `notes/${i}`) });
      assert.equal(tooMany.status, 400);
      assert.ok(tooMany.json.data.subscriptions);
      const tooLong = await call('POST', '/api/realtime', 'owner', { clientId, subscriptions: ['x'.repeat(2501)] });
      assert.equal(tooLong.status, 400);
      const noId = await call('POST', '/api/realtime', 'owner', { subscriptions: [] });
      assert.equal(noId.status, 400);
      assert.ok(noId.json.data.clientId);
      // A guest connection may be upgraded to an authenticated one.
      const guest = await connect('guest');
      assert.equal((await call('POST', '/api/realtime', 'owner', { clientId: guest.clientId, subscriptions: ['notes/*'] })).status, 204);
    });

    test('each identity receives exactly the events the rules let it see, only after commit', async () => {
      const clients = {} as Record<Principal, SseStream>;
      for (const who of PRINCIPALS) {
        const { stream, clientId } = await connect(who);
        clients[who] = stream;
        const subscriptions = ['notes/*', `notes/${NOTE_ID}`, 'pings/*'];
        assert.equal((await call('POST', '/api/realtime', who, { clientId, subscriptions })).status, 204);
      }
      const ping = async () => assert.equal((await call('POST', '/api/collections/pings/records', 'guest', { n: 1 })).status, 200);

      // create + update through the REST API
      const created = await call('POST', '/api/collections/notes/records', 'superuser', { id: NOTE_ID, title: 'a', secret: 's', owner: ids.owner });
      assert.equal(created.status, 200, JSON.stringify(created.json));
      assert.equal((await call('PATCH', `/api/collections/notes/records/${NOTE_ID}`, 'superuser', { title: 'b' })).status, 200);
      // a batch that fails part-way: nothing of it is announced
      const failed = await call('POST', '/api/batch', 'superuser', {
        requests: [
          { method: 'POST', url: '/api/collections/notes/records', body: { id: ROLLED_BACK_ID, title: 'x', owner: ids.owner } },
          { method: 'PATCH', url: '/api/collections/notes/records/missing00000000', body: { title: 'y' } },
        ],
      });
      assert.equal(failed.status, 400);
      // a batch that commits: announced, in order
      const batch = await call('POST', '/api/batch', 'superuser', {
        requests: [
          { method: 'POST', url: '/api/collections/notes/records', body: { id: BATCH_ID, title: 'c', owner: ids.owner } },
          { method: 'DELETE', url: `/api/collections/notes/records/${NOTE_ID}` },
        ],
      });
      assert.equal(batch.status, 200, JSON.stringify(batch.json));
      await ping();

      const expected: Record<Principal, string[]> = {
        guest: [],
        other: [],
        owner: [
          `notes/* create ${NOTE_ID} nosecret`,
          `notes/${NOTE_ID} create ${NOTE_ID} nosecret`,
          `notes/* update ${NOTE_ID} nosecret`,
          `notes/${NOTE_ID} update ${NOTE_ID} nosecret`,
          `notes/* create ${BATCH_ID} nosecret`,
          `notes/* delete ${NOTE_ID} nosecret`,
          `notes/${NOTE_ID} delete ${NOTE_ID} nosecret`,
        ],
        superuser: [
          `notes/* create ${NOTE_ID} secret`,
          `notes/${NOTE_ID} create ${NOTE_ID} secret`,
          `notes/* update ${NOTE_ID} secret`,
          `notes/${NOTE_ID} update ${NOTE_ID} secret`,
          `notes/* create ${BATCH_ID} secret`,
          `notes/* delete ${NOTE_ID} secret`,
          `notes/${NOTE_ID} delete ${NOTE_ID} secret`,
        ],
      };
      for (const who of PRINCIPALS) assert.deepEqual(await eventsUntilPing(clients[who]), expected[who], who);
    });

    test('the pocketbase SDK subscribe: the owner gets its record (with expand), another user nothing', async () => {
      const received: Record<'owner' | 'other', string[]> = { owner: [], other: [] };
      const pinged: Record<'owner' | 'other', Promise<void>> = {} as never;
      const sdks: PocketBase[] = [];
      for (const who of ['owner', 'other'] as const) {
        const pb = new PocketBase(t.url);
        sdks.push(pb);
        pb.authStore.save(tokens[who]!);
        await pb.collection('notes').subscribe('*', (e: RecordSubscription) => {
          const expanded = (e.record.expand as { owner?: { id: string } } | undefined)?.owner?.id;
          received[who].push(`${e.action} ${e.record.id} expand:${expanded ?? '-'}`);
        }, { expand: 'owner' });
        let ping = () => {};
        pinged[who] = new Promise<void>((resolve) => (ping = resolve));
        await pb.collection('pings').subscribe('*', () => ping());
      }
      try {
        const made = await call('POST', '/api/collections/notes/records', 'superuser', { title: 'sdk', owner: ids.owner });
        assert.equal(made.status, 200);
        assert.equal((await call('POST', '/api/collections/pings/records', 'guest', { n: 2 })).status, 200);
        await Promise.all([pinged.owner, pinged.other]);
        assert.deepEqual(received.owner, [`create ${String(made.json.id)} expand:${ids.owner}`]);
        assert.deepEqual(received.other, []);
      } finally {
        // Unsubscribing from everything makes the SDK close its stream; wait until the server saw it.
        const before = t.app.core.realtime.size;
        await Promise.all(sdks.map((pb) => pb.realtime.unsubscribe()));
        for (let i = 0; i < 500 && t.app.core.realtime.size > before - sdks.length; i++) await new Promise((r) => setTimeout(r, 10));
      }
    });

    test('the pocketbase SDK: a filtered `*` subscription, a one-record subscription, writes through an SDK batch', async () => {
      const pb = new PocketBase(t.url);
      pb.authStore.save(tokens.superuser!);
      const filtered: string[] = [];
      const single: string[] = [];
      let ping = () => {};
      const pinged = new Promise<void>((resolve) => (ping = resolve));
      const first = await call('POST', '/api/collections/notes/records', 'superuser', { title: 'watched', owner: ids.owner });
      const watchedId = String(first.json.id);
      await pb.collection('notes').subscribe('*', (e: RecordSubscription) => filtered.push(`${e.action} ${String(e.record.title)}`), {
        filter: "title ~ 'keep'",
        fields: 'id,title',
      });
      await pb.collection('notes').subscribe(watchedId, (e: RecordSubscription) => single.push(`${e.action} ${e.record.id}`));
      await pb.collection('pings').subscribe('*', () => ping());
      try {
        const batch = pb.createBatch();
        batch.collection('notes').create({ title: 'keep one', owner: ids.owner });
        batch.collection('notes').create({ title: 'drop one', owner: ids.owner });
        batch.collection('notes').update(watchedId, { title: 'keep watched' });
        await batch.send();
        await pb.collection('notes').delete(watchedId);
        await pb.collection('pings').create({ n: 3 });
        await pinged;
        assert.deepEqual(filtered, ['create keep one', 'update keep watched', 'delete keep watched']);
        assert.deepEqual(single, [`update ${watchedId}`, `delete ${watchedId}`]);
      } finally {
        const before = t.app.core.realtime.size;
        await pb.realtime.unsubscribe();
        for (let i = 0; i < 500 && t.app.core.realtime.size > before - 1; i++) await new Promise((r) => setTimeout(r, 10));
      }
    });

    test('an idle stream is ended by the server (the SDK then reconnects)', async () => {
      // A server of its own with a tiny idle limit; waiting is on the stream's end, not a clock.
      const routes = realtimeRoutes(t.app.core, { bodyLimit: 1 << 20, limits: { idleMs: 30, maxMs: 60_000 } });
      const server = createHttpServer({ routes, authenticate: () => Promise.reject(new Error('unused')), logger: pino({ level: 'silent' }) });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { stream } = await SseStream.open(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/realtime`);
        streams.push(stream);
        assert.equal((await stream.next()).event, 'PB_CONNECT');
        await stream.closedByServer();
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });

    test('closing the app ends open streams and forgets their clients', async () => {
      const before = t.app.core.realtime.size;
      const { stream } = await connect('guest');
      assert.equal(t.app.core.realtime.size, before + 1);
      t.app.core.realtime.closeAll();
      await stream.closedByServer();
      assert.equal(t.app.core.realtime.size, 0);
    });
  });
}
