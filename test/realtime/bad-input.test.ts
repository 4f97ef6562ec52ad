// /api/realtime under bad input, on both engines, over HTTP: malformed and oversized
// subscription requests get PocketBase's 4xx bodies (never a 5xx), garbage subscription
// options are ignored without harm, topics the caller cannot read stay silent, and a client
// that never reads its stream is dropped while everyone else keeps receiving.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fc from 'fast-check';
import { startTestApp, type TestApp } from '../support/app.js';
import { SseStream } from '../support/sse.js';

const RUNS = Number(process.env.PLINTH_FUZZ_RUNS ?? 300);
const MARKER = 'pings/*';

type Json = Record<string, unknown>;

function assertErrorBody(json: unknown, status: number, message?: string): void {
  const body = json as Json;
  assert.equal(body.status, status, JSON.stringify(json));
  assert.equal(typeof body.message, 'string');
  assert.ok(body.data !== null && typeof body.data === 'object');
  if (message !== undefined) assert.equal(body.message, message);
}

/** A topic of exactly `length` characters: `path` plus options whose only key is ignored padding. */
function paddedTopic(path: string, length: number): string {
  const head = `${path}?options=`;
  const empty = encodeURIComponent(JSON.stringify({ pad: '' }));
  return head + encodeURIComponent(JSON.stringify({ pad: 'x'.repeat(length - head.length - empty.length) }));
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`realtime bad input [${dialect}]`, () => {
    let t: TestApp;
    let token = '';
    const streams: SseStream[] = [];

    async function post(body: string, contentType = 'application/json') {
      const res = await fetch(`${t.url}/api/realtime`, { method: 'POST', headers: { 'content-type': contentType }, body });
      const text = await res.text();
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = text;
      }
      return { status: res.status, json };
    }

    async function su(method: string, path: string, body?: unknown): Promise<Json> {
      const res = await fetch(t.url + path, {
        method,
        headers: { 'content-type': 'application/json', authorization: token },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
      return text ? (JSON.parse(text) as Json) : {};
    }

    async function connect(): Promise<{ stream: SseStream; clientId: string }> {
      const { stream } = await SseStream.open(`${t.url}/api/realtime`);
      streams.push(stream);
      const first = await stream.next();
      assert.equal(first.event, 'PB_CONNECT');
      return { stream, clientId: (JSON.parse(first.data) as { clientId: string }).clientId };
    }

    async function subscribe(clientId: string, subscriptions: string[]): Promise<void> {
      const res = await post(JSON.stringify({ clientId, subscriptions }));
      assert.equal(res.status, 204, JSON.stringify(res.json));
    }

    /** Events (topic → count) until the next marker. */
    async function eventsUntilMarker(stream: SseStream): Promise<Map<string, number>> {
      const seen = new Map<string, number>();
      for (;;) {
        const e = await stream.next();
        if (e.event === MARKER) return seen;
        seen.set(e.event, (seen.get(e.event) ?? 0) + 1);
      }
    }

    const marker = () => su('POST', '/api/collections/pings/records', { n: 1 });

    before(async () => {
      t = await startTestApp(dialect);
      await t.app.core.superusers.create('root@example.com', 'root-password-1');
      const auth = await fetch(`${t.url}/api/collections/_superusers/auth-with-password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identity: 'root@example.com', password: 'root-password-1' }),
      });
      token = ((await auth.json()) as { token: string }).token;
      await su('POST', '/api/collections', { name: 'pub', type: 'base', listRule: '', viewRule: '', fields: [{ name: 'body', type: 'text', max: 100_000 }] });
      await su('POST', '/api/collections', { name: 'locked', type: 'base', fields: [{ name: 'body', type: 'text' }] });
      await su('POST', '/api/collections', { name: 'pings', type: 'base', listRule: '', fields: [{ name: 'n', type: 'number' }] });
    });

    after(async () => {
      for (const stream of streams) stream.close();
      await t?.close();
    });

    test('an unknown client id: 404 with PocketBase’s message', async () => {
      const res = await post(JSON.stringify({ clientId: 'x'.repeat(40), subscriptions: ['pub/*'] }));
      assert.equal(res.status, 404);
      assertErrorBody(res.json, 404, 'Missing or invalid client id.');
    });

    test('malformed bodies: 400 with PocketBase’s body, never a 5xx', async () => {
      const { clientId } = await connect();
      const cases: Array<{ body: string; field?: string; message?: string }> = [
        { body: '{nope', message: 'Failed to load the submitted data due to invalid formatting.' },
        { body: '[]', message: 'Failed to load the submitted data due to invalid formatting.' },
        { body: '"text"', message: 'Failed to load the submitted data due to invalid formatting.' },
        { body: JSON.stringify({ clientId, subscriptions: 'pub/*' }), message: 'An error occurred while loading the submitted data.' },
        { body: JSON.stringify({ clientId, subscriptions: { 0: 'pub/*' } }), message: 'An error occurred while loading the submitted data.' },
        { body: JSON.stringify({ clientId, subscriptions: [1] }), message: 'An error occurred while loading the submitted data.' },
        { body: JSON.stringify({ clientId, subscriptions: ['pub/*', null] }), message: 'An error occurred while loading the submitted data.' },
        { body: JSON.stringify({ clientId, subscriptions: [['pub/*']] }), message: 'An error occurred while loading the submitted data.' },
        { body: JSON.stringify({ clientId: 'x'.repeat(256), subscriptions: [] }), field: 'clientId' },
        { body: JSON.stringify({ clientId: 42, subscriptions: [] }), field: 'clientId' },
        { body: JSON.stringify({ subscriptions: ['pub/*'] }), field: 'clientId' },
      ];
      for (const c of cases) {
        const res = await post(c.body);
        assert.equal(res.status, 400, `${c.body.slice(0, 60)} → ${res.status} ${JSON.stringify(res.json)}`);
        assertErrorBody(res.json, 400, c.message);
        if (c.field) assert.ok((res.json as { data: Json }).data[c.field], `${c.body.slice(0, 60)} names ${c.field}`);
      }
      const longId = await post(JSON.stringify({ clientId: 'x'.repeat(256), subscriptions: [] }));
      assert.equal(((longId.json as { data: Record<string, { code: string }> }).data.clientId!).code, 'validation_length_out_of_range');
    });

    test('subscription limits: 1001 topics or a 2501-character topic → 400', async () => {
      const { clientId } = await connect();
      const tooMany = await post(JSON.stringify({ clientId, subscriptions: Array.from({ length: 1001 }, (_, i) => `pub/${i}`) }));
      assert.equal(tooMany.status, 400);
      assertErrorBody(tooMany.json, 400);
      assert.equal((tooMany.json as { data: { subscriptions: { code: string } } }).data.subscriptions.code, 'validation_length_too_long');
      const tooLong = await post(JSON.stringify({ clientId, subscriptions: ['pub/*', paddedTopic('pub/*', 2501)] }));
      assert.equal(tooLong.status, 400);
      assertErrorBody(tooLong.json, 400);
      assert.equal((tooLong.json as { data: { subscriptions: Record<string, { code: string }> } }).data.subscriptions['1']!.code, 'validation_length_too_long');
    });

    test('1000 topics of 2500 characters (≈2.5 MB, under the 32 MB body limit) are accepted and events flow', async () => {
      const { stream, clientId } = await connect();
      const big = paddedTopic('pub/*', 2500);
      // 999 record topics that never match, plus one that does.
      const subscriptions = Array.from({ length: 999 }, (_, i) => paddedTopic(`pub/none${String(i).padStart(11, '0')}`, 2500));
      subscriptions.push(big);
      assert.ok(subscriptions.every((s) => s.length === 2500));
      const res = await post(JSON.stringify({ clientId, subscriptions }));
      assert.equal(res.status, 204, JSON.stringify(res.json));
      // The marker topic would be a 1001st subscription; this stream counts its single event instead.
      const made = await su('POST', '/api/collections/pub/records', { body: 'hello' });
      const e = await stream.next();
      assert.equal(e.event, big);
      assert.equal((JSON.parse(e.data) as { record: Json }).record.id, made.id);
    });

    test('garbage ?options= is ignored: the subscription still applies', async () => {
      const { stream, clientId } = await connect();
      // As deep as fits in 2500 characters once URL-encoded.
      const nested = '['.repeat(400) + ']'.repeat(400);
      const deepObject = '{"a":'.repeat(140) + '1' + '}'.repeat(140);
      const garbage = [
        'pub/*?options=notjson',
        'pub/*?options=%zz%',
        `pub/*?options=${encodeURIComponent('[1,2,3]')}`,
        `pub/*?options=${encodeURIComponent(nested)}`,
        `pub/*?options=${encodeURIComponent(deepObject)}`,
        `pub/*?options=${encodeURIComponent('{"query":"filter","headers":[1]}')}`,
        `pub/*?options=${encodeURIComponent('{"query":null,"headers":{"x":{"y":[1]}}}')}`,
        'pub/*?options=null',
        'pub/*?options=',
        'pub/*?other=1&options=1e999',
      ];
      assert.ok(garbage.every((s) => s.length <= 2500));
      await subscribe(clientId, [...garbage, MARKER]);
      await su('POST', '/api/collections/pub/records', { body: 'g' });
      await marker();
      const seen = await eventsUntilMarker(stream);
      assert.deepEqual(Object.fromEntries(seen), Object.fromEntries(garbage.map((g) => [g, 1])));
    });

    test('topics the caller cannot read (null rule, unknown collection) are silent, without an error', async () => {
      const { stream, clientId } = await connect();
      const locked = await su('POST', '/api/collections/locked/records', { body: 'before' });
      await subscribe(clientId, ['locked/*', `locked/${String(locked.id)}`, 'nope/*', 'nope/abc', '/*', 'pub', MARKER]);
      await su('POST', '/api/collections/locked/records', { body: 'hidden' });
      await su('PATCH', `/api/collections/locked/records/${String(locked.id)}`, { body: 'changed' });
      await su('DELETE', `/api/collections/locked/records/${String(locked.id)}`);
      await marker();
      assert.deepEqual(Object.fromEntries(await eventsUntilMarker(stream)), {});
    });

    test('generated POST /api/realtime bodies: always 204, 400, 403 or 404, never a 5xx', async () => {
      const { clientId } = await connect();
      const topic = fc.oneof(
        fc.constantFrom('pub/*', 'locked/*', MARKER, '', '?', '/', '@oauth2', 'PB_CONNECT'),
        fc.string({ maxLength: 40 }),
        fc.string({ maxLength: 30 }).map((s) => `pub/*?options=${s}`),
        fc.jsonValue({ maxDepth: 3 }).map((v) => `pub/*?options=${encodeURIComponent(JSON.stringify(v))}`),
      );
      const subscriptions = fc.oneof(fc.array(topic, { maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }));
      const id = fc.oneof(fc.constant(clientId), fc.string({ maxLength: 50 }), fc.jsonValue({ maxDepth: 1 }));
      const jsonBody = fc.oneof(
        fc.record({ clientId: id, subscriptions }, { requiredKeys: [] }).map((b) => JSON.stringify(b)),
        fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
        fc.string({ maxLength: 60 }),
      );
      const request = fc.record({
        body: jsonBody,
        contentType: fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x', ''),
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ body, contentType }) => {
          const res = await post(body, contentType);
          assert.ok([204, 400, 403, 404].includes(res.status), `${res.status} for ${contentType} ${body}: ${JSON.stringify(res.json)}`);
          if (res.status !== 204) assertErrorBody(res.json, res.status);
        }),
        { numRuns: RUNS },
      );
    });

    test('a client that never reads is dropped after its backlog; the others get every event', async (ctx) => {
      // Earlier streams would buffer every 64 KB event in this process: end them first.
      for (const stream of streams.splice(0)) stream.close();
      for (let i = 0; i < 500 && t.app.core.realtime.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(t.app.core.realtime.size, 0);
      const reader = await connect();
      await subscribe(reader.clientId, ['pub/*', MARKER]);
      const { clientId, response } = await openNeverReading(t.url);
      try {
        await subscribe(clientId, ['pub/*']);
        const before = t.app.core.realtime.size;
        const body = 'y'.repeat(64 * 1024);
        let writes = 0;
        // Each event is 64 KB: the kernel buffers fill within a few dozen, then 500 more wait
        // in the server's stream before the broker drops the client.
        while (t.app.core.realtime.size === before && writes < 3000) {
          await su('POST', '/api/collections/pub/records', { body });
          writes++;
          // The fan-out runs after the commit; let it catch up before asking again.
          await t.app.core.realtimeFanout.idle();
        }
        assert.equal(t.app.core.realtime.size, before - 1, `still connected after ${writes} writes`);
        assert.ok(writes > 500, `dropped after only ${writes} writes`);
        ctx.diagnostic(`dropped after ${writes} writes of 64 KB`);
        await marker();
        const seen = await eventsUntilMarker(reader.stream);
        assert.deepEqual(Object.fromEntries(seen), { 'pub/*': writes });
      } finally {
        response.destroy();
      }
    });
  });
}

/** Opens /api/realtime with a raw request, reads the PB_CONNECT event, then never reads again. */
function openNeverReading(base: string): Promise<{ clientId: string; response: http.IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}/api/realtime`, (response) => {
      let text = '';
      const onData = (chunk: Buffer) => {
        text += chunk.toString('utf8');
        const match = /data:\{"clientId":"(\w+)"\}\n\n/.exec(text);
        if (!match) return;
        response.off('data', onData);
        response.pause();
        resolve({ clientId: match[1]!, response });
      };
      response.on('data', onData);
      response.on('error', () => {});
    });
    req.on('error', reject);
  });
}
