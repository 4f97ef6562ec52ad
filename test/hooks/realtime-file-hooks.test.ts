// Realtime and file hooks through the real HTTP API, on both engines: a connect hook that
// refuses guests (SSE and WebSocket), a subscribe hook that strips a topic, message hooks that
// enrich record events and drop a topic, a download hook that refuses and renames files, and
// a file token hook that replaces the token.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { TEST_DIALECTS } from '../../src/db/testing.js';
import { publishToTopic } from '../../src/core/realtime/index.js';
import { ForbiddenError } from '../../src/index.js';
import { SseStream } from '../support/sse.js';
import { startHookedApp, type HookedApp } from './support.js';

for (const dialect of TEST_DIALECTS) {
  describe(`realtime and file hooks [${dialect}]`, () => {
    let h: HookedApp;
    const streams: SseStream[] = [];
    const tokenEvents: string[] = [];
    let docId = '';
    let files: string[] = [];

    before(async () => {
      h = await startHookedApp(dialect, (plinth) => {
        plinth.onRealtimeConnectRequest().bindFunc(async (e) => {
          if (!e.client.auth) throw new ForbiddenError('Sign in to listen.');
          await e.next();
        });
        plinth.onRealtimeSubscribeRequest().bindFunc(async (e) => {
          e.subscriptions = e.subscriptions.filter((topic) => !topic.startsWith('forbidden'));
          await e.next();
        });
        plinth.onRealtimeMessageSend().bindFunc(async (e) => {
          if (e.message.name.includes('/')) (e.message.data as { record: Record<string, unknown> }).record.seenBy = e.client.id;
          await e.next();
        });
        plinth.onRealtimeMessageSend().bindFunc(async (e) => {
          if (e.message.name === 'muted') return;
          await e.next();
        });
        plinth.onFileDownloadRequest('docs').bindFunc(async (e) => {
          if (e.servedName.startsWith('secret')) throw new ForbiddenError('Not this one.');
          if (e.servedName.startsWith('report')) e.servedName = `renamed-${e.fileField}.txt`;
          await e.next();
        });
        // Tagged: a handler for another collection's tokens must not run for superusers'.
        plinth.onFileTokenRequest('users').bindFunc(() => {
          tokenEvents.push('users');
        });
        plinth.onFileTokenRequest('_superusers').bindFunc(async (e) => {
          tokenEvents.push(`superuser:${e.record.getString('email')}`);
          e.token = `${e.token}.hooked`;
          await e.next();
        });
      });
      const core = h.plinth.running!.core;
      await core.collections.create({
        name: 'docs',
        type: 'base',
        listRule: '',
        viewRule: '',
        createRule: '',
        fields: [{ name: 'attachments', type: 'file', maxSelect: 3, maxSize: 1 << 20 }],
      });
      const form = new FormData();
      form.append('attachments', new Blob(['top secret']), 'secret.txt');
      form.append('attachments', new Blob(['quarterly numbers']), 'report.txt');
      form.append('attachments', new Blob(['plain text']), 'notes.txt');
      const res = await fetch(`${h.url}/api/collections/docs/records`, { method: 'POST', headers: { authorization: h.superuser }, body: form });
      const created = (await res.json()) as { id: string; attachments: string[] };
      assert.equal(res.status, 200, JSON.stringify(created));
      docId = created.id;
      files = created.attachments;
    });

    after(async () => {
      for (const stream of streams) stream.close();
      await h.close();
    });

    async function connect(token?: string): Promise<{ stream: SseStream; clientId: string }> {
      const { stream, response } = await SseStream.open(`${h.url}/api/realtime`, token ? { authorization: token } : {});
      streams.push(stream);
      assert.equal(response.status, 200);
      const first = await stream.next();
      assert.equal(first.event, 'PB_CONNECT');
      return { stream, clientId: (JSON.parse(first.data) as { clientId: string }).clientId };
    }

    test('the connect hook refuses guests with its error and lets accounts in', async () => {
      const refused = await fetch(`${h.url}/api/realtime`);
      assert.equal(refused.status, 403);
      assert.deepEqual(await refused.json(), { status: 403, message: 'Sign in to listen.', data: {} });
      const { clientId } = await connect(h.superuser);
      assert.equal(clientId.length, 40);
    });

    test('the connect hook refuses a guest WebSocket before the handshake', async () => {
      const status = await new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`${h.url.replace('http', 'ws')}/api/realtime/ws`);
        ws.on('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.on('open', () => reject(new Error('a guest WebSocket was accepted')));
        ws.on('error', () => {});
      });
      assert.equal(status, 403);
    });

    test('over the WebSocket, the connect hook lets an account in and the subscribe hook strips a topic', async () => {
      const ws = new WebSocket(`${h.url.replace('http', 'ws')}/api/realtime/ws`, { headers: { authorization: h.superuser } });
      const frames: Array<{ event: string; data: unknown }> = [];
      const waiters: Array<() => void> = [];
      ws.on('message', (raw: Buffer) => {
        frames.push(JSON.parse(raw.toString()) as { event: string; data: unknown });
        waiters.shift()?.();
      });
      const nextFrame = async () => {
        if (frames.length === 0) await new Promise<void>((resolve) => waiters.push(resolve));
        return frames.shift()!;
      };
      try {
        assert.equal((await nextFrame()).event, 'PB_CONNECT');
        ws.send(JSON.stringify({ type: 'subscribe', subscriptions: ['forbidden-sky', 'sky'] }));
        const answer = await nextFrame();
        assert.equal(answer.event, 'PB_SUBSCRIBED');
        assert.deepEqual(answer.data, { subscriptions: ['sky'] });
      } finally {
        ws.terminate();
      }
    });

    test('the subscribe hook strips a forbidden topic', async () => {
      const { clientId } = await connect(h.superuser);
      const res = await h.call('POST', '/api/realtime', { token: h.superuser, body: { clientId, subscriptions: ['posts/*', 'forbidden-weather', 'weather'] } });
      assert.equal(res.status, 204, res.text);
      const client = h.plinth.running!.core.realtime.client(clientId)!;
      assert.deepEqual([...client.subscriptions.keys()], ['posts/*', 'weather']);
    });

    test('message hooks enrich record events for each client and drop a topic', async () => {
      const core = h.plinth.running!.core;
      const a = await connect(h.superuser);
      const b = await connect(h.superuser);
      for (const { clientId } of [a, b]) {
        const res = await h.call('POST', '/api/realtime', { token: h.superuser, body: { clientId, subscriptions: ['posts/*', 'muted', 'news'] } });
        assert.equal(res.status, 204, res.text);
      }
      const created = await h.call('POST', '/api/collections/posts/records', { body: { title: 'hello' } });
      assert.equal(created.status, 200, created.text);
      for (const { stream, clientId } of [a, b]) {
        const event = await stream.next();
        assert.equal(event.event, 'posts/*');
        const data = JSON.parse(event.data) as { action: string; record: Record<string, unknown> };
        assert.equal(data.action, 'create');
        assert.equal(data.record.title, 'hello');
        // Each client's copy carries its own change, not the other's.
        assert.equal(data.record.seenBy, clientId);
      }
      // `muted` is dropped by the hook; `news`, sent after it, is the next event each client gets.
      assert.equal(publishToTopic(core.realtime, 'muted', { n: 1 }), 2);
      assert.equal(publishToTopic(core.realtime, 'news', { n: 2 }), 2);
      for (const { stream } of [a, b]) {
        const event = await stream.next();
        assert.equal(event.event, 'news');
        assert.deepEqual(JSON.parse(event.data), { n: 2 });
      }
    });

    test('the download hook refuses one file and renames another', async () => {
      const [secret, report, notes] = files as [string, string, string];
      assert.match(secret, /^secret/);
      const refused = await h.call('GET', `/api/files/docs/${docId}/${secret}`);
      assert.equal(refused.status, 403);
      assert.equal(refused.json.message, 'Not this one.');
      const renamed = await fetch(`${h.url}/api/files/docs/${docId}/${report}`);
      assert.equal(renamed.status, 200);
      assert.equal(renamed.headers.get('content-disposition'), 'attachment; filename=renamed-attachments.txt');
      assert.equal(await renamed.text(), 'quarterly numbers');
      const plain = await fetch(`${h.url}/api/files/docs/${docId}/${notes}`);
      assert.equal(plain.status, 200);
      assert.equal(plain.headers.get('content-disposition'), `attachment; filename=${notes}`);
      assert.equal(await plain.text(), 'plain text');
    });

    test('the file token hook replaces the token, for its own collection only', async () => {
      tokenEvents.length = 0;
      const res = await h.call('POST', '/api/files/token', { token: h.superuser });
      assert.equal(res.status, 200, res.text);
      assert.match(res.json.token, /^[\w-]+\.[\w-]+\.[\w-]+\.hooked$/);
      assert.deepEqual(tokenEvents, ['superuser:root@example.com']);
      const guest = await h.call('POST', '/api/files/token');
      assert.equal(guest.status, 401);
      assert.deepEqual(tokenEvents, ['superuser:root@example.com']);
    });
  });
}
