// Realtime across two Plinth nodes on one PostgreSQL schema: writes made through node A's
// REST API reach the SSE subscribers of node B, rule-checked, in commit order, and nothing of
// a rolled-back batch. Run once per relay: PostgreSQL NOTIFY (the default), Redis and NATS.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { connect as connectNats, type NatsConnection } from 'nats';
import { openTestDatabase, type TestDatabase } from '../../src/db/testing.js';
import { deploymentId } from '../../src/app/realtime-broker.js';
import { NODE_MESSAGES_TABLE } from '../../src/db/postgres/node-messages.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { SseStream } from '../support/sse.js';

const REDIS_URL = process.env.PLINTH_TEST_REDIS_URL || 'redis://127.0.0.1:6379';
const NATS_URL = process.env.PLINTH_TEST_NATS_URL || 'nats://127.0.0.1:4222';

type Who = 'owner' | 'other' | 'superuser';
const NOTE_ID = 'mnnote000000001';
const BATCH_ID = 'mnnote000000002';
const ROLLED_BACK_ID = 'mnnote000000003';
const LARGE_ID = 'mnnote000000004';
/** A missing event fails the test instead of waiting for it forever. */
const LIMIT = { timeout: 20_000 };

/** Polls a condition another node makes true asynchronously, up to a deadline. */
async function eventually(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Listens to the broker channel itself, to prove the events travel through it. */
async function tapBroker(kind: 'redis' | 'nats', name: string): Promise<{ messages: string[]; close(): Promise<void> }> {
  const messages: string[] = [];
  if (kind === 'redis') {
    const redis = new Redis(REDIS_URL);
    redis.on('message', (_channel: string, message: string) => messages.push(message));
    await redis.subscribe(name);
    return { messages, close: async () => void (await redis.quit()) };
  }
  const nc: NatsConnection = await connectNats({ servers: NATS_URL });
  nc.subscribe(name, { callback: (_err, msg) => messages.push(new TextDecoder().decode(msg.data)) });
  await nc.flush();
  return { messages, close: () => nc.close() };
}

const RELAYS = [
  { name: 'PostgreSQL NOTIFY', broker: undefined, kind: 'postgres' },
  { name: 'Redis', broker: REDIS_URL, kind: 'redis' },
  { name: 'NATS', broker: NATS_URL, kind: 'nats' },
] as const;

for (const relay of RELAYS) {
  describe(`realtime across two nodes [${relay.name}]`, () => {
    let database: TestDatabase;
    let a: TestApp;
    let b: TestApp;
    const tokens: Record<Who, string> = { owner: '', other: '', superuser: '' };
    const ids: Record<string, string> = {};
    const streams: SseStream[] = [];

    async function call(node: TestApp, req: { method: string; path: string; who: Who | 'guest'; body?: unknown }) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (req.who !== 'guest') headers.authorization = tokens[req.who];
      const res = await fetch(node.url + req.path, { method: req.method, headers, body: req.body === undefined ? undefined : JSON.stringify(req.body) });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : null };
    }

    /** An SSE client of `node` authenticated as `who`, subscribed to `topics`. */
    async function subscribe(node: TestApp, who: Who, topics: string[]): Promise<SseStream> {
      const { stream } = await SseStream.open(`${node.url}/api/realtime`, { authorization: tokens[who] });
      streams.push(stream);
      const first = await stream.next();
      assert.equal(first.event, 'PB_CONNECT');
      const { clientId } = JSON.parse(first.data) as { clientId: string };
      const set = await call(node, { method: 'POST', path: '/api/realtime', who, body: { clientId, subscriptions: topics } });
      assert.equal(set.status, 204);
      return stream;
    }

    /** Events until (and without) the next `pings/*` one, as `topic action id`. */
    async function eventsUntilPing(stream: SseStream): Promise<Array<{ line: string; record: Record<string, unknown> }>> {
      const seen: Array<{ line: string; record: Record<string, unknown> }> = [];
      for (;;) {
        const e = await stream.next();
        if (e.event === 'pings/*') return seen;
        const { action, record } = JSON.parse(e.data) as { action: string; record: Record<string, unknown> };
        seen.push({ line: `${e.event} ${action} ${String(record.id)}`, record });
      }
    }

    /**
     * A write on `node` that every subscriber of pings/* sees after everything that node
     * committed before (the order holds per writing node, not across nodes).
     */
    async function ping(node: TestApp = a): Promise<void> {
      assert.equal((await call(node, { method: 'POST', path: '/api/collections/pings/records', who: 'guest', body: { n: 1 } })).status, 200);
    }

    before(async () => {
      database = await openTestDatabase('postgres');
      const overrides = relay.broker ? { db: database.url!, realtimeBroker: relay.broker } : { db: database.url! };
      a = await startTestApp('postgres', overrides);
      b = await startTestApp('postgres', overrides);
      await a.app.core.superusers.create('root@example.com', 'root-password-1');
      const login = (path: string, identity: string, password: string) => call(a, { method: 'POST', path, who: 'guest', body: { identity, password } });
      tokens.superuser = (await login('/api/collections/_superusers/auth-with-password', 'root@example.com', 'root-password-1')).json.token;
      for (const name of ['owner', 'other'] as const) {
        const body = { email: `${name}@example.com`, password: 'user-password-1', passwordConfirm: 'user-password-1' };
        const created = await call(a, { method: 'POST', path: '/api/collections/users/records', who: 'superuser', body });
        assert.equal(created.status, 200, JSON.stringify(created.json));
        ids[name] = created.json.id;
        tokens[name] = (await login('/api/collections/users/auth-with-password', `${name}@example.com`, 'user-password-1')).json.token;
      }
      const ownerOnly = 'owner = @request.auth.id';
      const notes = await call(a, {
        method: 'POST',
        path: '/api/collections',
        who: 'superuser',
        body: {
          name: 'notes',
          type: 'base',
          listRule: ownerOnly,
          viewRule: ownerOnly,
          fields: [
            { name: 'title', type: 'text', max: 100000 },
            { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
          ],
        },
      });
      assert.equal(notes.status, 200, JSON.stringify(notes.json));
      const members = { name: 'members', type: 'base', listRule: '@request.auth.id != ""', fields: [{ name: 'n', type: 'number' }] };
      assert.equal((await call(a, { method: 'POST', path: '/api/collections', who: 'superuser', body: members })).status, 200);
      const pings = { name: 'pings', type: 'base', listRule: '', createRule: '', fields: [{ name: 'n', type: 'number' }] };
      assert.equal((await call(a, { method: 'POST', path: '/api/collections', who: 'superuser', body: pings })).status, 200);
      const batch = { batch: { enabled: true, maxRequests: 10, timeout: 3 } };
      assert.equal((await call(a, { method: 'PATCH', path: '/api/settings', who: 'superuser', body: batch })).status, 200);
      // Node B drops events of collections it has not loaded yet.
      await eventually(() => b.app.core.registry.byNameOrId('pings') !== undefined && b.app.core.settings.get().batch.enabled, 'node B to reload');
    });

    after(async () => {
      for (const stream of streams) stream.close();
      await a?.close();
      await b?.close();
      await database?.cleanup();
    });

    test('create, update and delete on node A reach node B’s subscribers, rule-checked, in order; a rolled-back batch sends nothing', LIMIT, async () => {
      const owner = await subscribe(b, 'owner', ['notes/*', 'pings/*']);
      const other = await subscribe(b, 'other', ['notes/*', 'pings/*']);
      const tap = relay.kind === 'postgres' ? null : await tapBroker(relay.kind, `plinth.realtime.${await deploymentId(a.app.db)}`);
      try {
        const created = await call(a, { method: 'POST', path: '/api/collections/notes/records', who: 'superuser', body: { id: NOTE_ID, title: 'a', owner: ids.owner } });
        assert.equal(created.status, 200, JSON.stringify(created.json));
        assert.equal((await call(a, { method: 'PATCH', path: `/api/collections/notes/records/${NOTE_ID}`, who: 'superuser', body: { title: 'b' } })).status, 200);
        const failed = await call(a, {
          method: 'POST',
          path: '/api/batch',
          who: 'superuser',
          body: {
            requests: [
              { method: 'POST', url: '/api/collections/notes/records', body: { id: ROLLED_BACK_ID, title: 'x', owner: ids.owner } },
              { method: 'PATCH', url: '/api/collections/notes/records/missing00000000', body: { title: 'y' } },
            ],
          },
        });
        assert.equal(failed.status, 400);
        const batch = await call(a, {
          method: 'POST',
          path: '/api/batch',
          who: 'superuser',
          body: {
            requests: [
              { method: 'POST', url: '/api/collections/notes/records', body: { id: BATCH_ID, title: 'c', owner: ids.owner } },
              { method: 'DELETE', url: `/api/collections/notes/records/${NOTE_ID}` },
            ],
          },
        });
        assert.equal(batch.status, 200, JSON.stringify(batch.json));
        await ping();

        const seen = await eventsUntilPing(owner);
        assert.deepEqual(
          seen.map((e) => e.line),
          [`notes/* create ${NOTE_ID}`, `notes/* update ${NOTE_ID}`, `notes/* create ${BATCH_ID}`, `notes/* delete ${NOTE_ID}`],
        );
        assert.equal(seen[1]!.record.title, 'b');
        assert.equal(seen[3]!.record.title, 'b', 'a delete carries the record as it was');
        assert.deepEqual(await eventsUntilPing(other), [], 'the owner-only rule keeps other users’ streams silent');

        if (tap) {
          const notesId = b.app.core.registry.byNameOrId('notes')!.id;
          await eventually(() => tap.messages.length >= 4, 'the broker to carry the messages');
          const collections = tap.messages.flatMap((m) => (JSON.parse(m) as { events: Array<{ collectionId: string }> }).events.map((e) => e.collectionId));
          assert.ok(collections.includes(notesId), 'the record events went through the broker');
        }
      } finally {
        await tap?.close();
      }
    });

    test('a large record (20 KB) reaches the other node whole', LIMIT, async () => {
      const owner = await subscribe(b, 'owner', ['notes/*', 'pings/*']);
      if (relay.kind === 'postgres') assert.equal(await a.app.db.tableExists(NODE_MESSAGES_TABLE), false, 'small messages go inline');
      const title = 'é'.repeat(10_000) + 'the end';
      const created = await call(a, { method: 'POST', path: '/api/collections/notes/records', who: 'superuser', body: { id: LARGE_ID, title, owner: ids.owner } });
      assert.equal(created.status, 200, JSON.stringify(created.json));
      await ping();
      const seen = await eventsUntilPing(owner);
      assert.deepEqual(
        seen.map((e) => e.line),
        [`notes/* create ${LARGE_ID}`],
      );
      assert.equal(seen[0]!.record.title, title);
      if (relay.kind === 'postgres') {
        const stored = await a.app.db.get<{ n: number }>(`SELECT count(*) AS n FROM "${NODE_MESSAGES_TABLE}"`);
        assert.equal(stored?.n, 1, 'the large message went through the table');
      }
    });

    test('a write on node B reaches node A’s subscribers and its own, once each', LIMIT, async () => {
      const onA = await subscribe(a, 'owner', ['notes/*', 'pings/*']);
      const onB = await subscribe(b, 'owner', ['notes/*', 'pings/*']);
      const byAdmin = await call(b, { method: 'PATCH', path: `/api/collections/notes/records/${BATCH_ID}`, who: 'superuser', body: { title: 'from B' } });
      assert.equal(byAdmin.status, 200, JSON.stringify(byAdmin.json));
      await ping(b);
      for (const stream of [onA, onB]) {
        const seen = await eventsUntilPing(stream);
        assert.deepEqual(
          seen.map((e) => `${e.line} ${String(e.record.title)}`),
          [`notes/* update ${BATCH_ID} from B`],
        );
      }
    });

    test('a password change on node A turns the user’s live client on node B into a guest', LIMIT, async () => {
      const stream = await subscribe(b, 'other', ['members/*', 'pings/*']);
      const member = async (n: number) =>
        assert.equal((await call(a, { method: 'POST', path: '/api/collections/members/records', who: 'superuser', body: { n } })).status, 200);
      await member(1);
      await ping();
      assert.deepEqual(
        (await eventsUntilPing(stream)).map((e) => `${e.line.split(' ').slice(0, 2).join(' ')} ${String(e.record.n)}`),
        ['members/* create 1'],
      );
      const body = { password: 'changed-password-1', passwordConfirm: 'changed-password-1' };
      assert.equal((await call(a, { method: 'PATCH', path: `/api/collections/users/records/${ids.other}`, who: 'superuser', body })).status, 200);
      await member(2);
      await ping();
      assert.deepEqual(await eventsUntilPing(stream), [], 'the old token no longer counts: members-only events stop');
    });
  });
}
