// The realtime permission matrix (permission-matrix.cases.ts) on both engines, over HTTP. One
// SSE stream per identity subscribes to every case's `c/*` and `c/<id>` with every option
// variant; each write is followed by a marker event on a public collection, so everything
// before it has arrived. The oracle is the REST API, asked with the same identity, headers,
// filter, fields and expand right after the write (right before it, for a delete): an event
// must equal its body exactly, and no event must mean REST shows nothing either.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../support/app.js';
import { SseStream } from '../support/sse.js';
import { CASES, IDENTITIES, IDS, VARIANTS, type Identity, type MatrixCase, type Step, type Variant } from './permission-matrix.cases.js';
import { allTopics, MARKER, mismatches, topicFor, type Json, type Received } from './permission-matrix.expect.js';

const PASSWORD = 'matrix-password-1';
const FIELDS = [
  { name: 'title', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'secret', type: 'text', hidden: true },
  { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
];

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`realtime permission matrix [${dialect}]`, () => {
    let t: TestApp;
    const tokens: Record<Identity, string | null> = { guest: null, owner: null, other: null, superuser: null, member: null };
    const streams = {} as Record<Identity, SseStream>;

    async function call(method: string, path: string, who: Identity, options: { body?: unknown; headers?: Record<string, string> } = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
      if (tokens[who]) headers.authorization = tokens[who]!;
      const res = await fetch(t.url + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
      const text = await res.text();
      return { status: res.status, json: text ? (JSON.parse(text) as Json) : null };
    }

    async function must(method: string, path: string, body?: unknown): Promise<Json> {
      const res = await call(method, path, 'superuser', { body });
      assert.ok(res.status === 200 || res.status === 204, `${method} ${path}: ${res.status} ${JSON.stringify(res.json)}`);
      return res.json ?? {};
    }

    /** A stream authenticated as `who`, subscribed to `subscriptions`. */
    async function subscribed(who: Identity, subscriptions: string[]): Promise<SseStream> {
      const { stream } = await SseStream.open(`${t.url}/api/realtime`, tokens[who] ? { authorization: tokens[who]! } : {});
      const first = await stream.next();
      assert.equal(first.event, 'PB_CONNECT');
      const { clientId } = JSON.parse(first.data) as { clientId: string };
      const res = await call('POST', '/api/realtime', who, { body: { clientId, subscriptions } });
      assert.equal(res.status, 204, JSON.stringify(res.json));
      return stream;
    }

    async function login(collection: string, email: string): Promise<string> {
      const res = await call('POST', `/api/collections/${collection}/auth-with-password`, 'guest', { body: { identity: email, password: PASSWORD } });
      assert.equal(res.status, 200, JSON.stringify(res.json));
      return String(res.json!.token);
    }

    /** Every event of one stream up to the next marker, by topic (each topic fires at most once per write). */
    async function eventsUntilMarker(stream: SseStream): Promise<Map<string, Received[]>> {
      const seen = new Map<string, Received[]>();
      for (;;) {
        const e = await stream.next();
        if (e.event === MARKER) return seen;
        const list = seen.get(e.event) ?? [];
        list.push(JSON.parse(e.data) as Received);
        seen.set(e.event, list);
      }
    }

    /** What the REST API shows `who` of the record with this variant's options: the body, or null. */
    async function oracle(c: MatrixCase, who: Identity, variant: Variant): Promise<Json | null> {
      const base = `/api/collections/${c.collection}/records`;
      const headers = variant.headers ?? {};
      const query = variant.query ?? {};
      if (query.filter) {
        const filter = `id = "${c.recordId}" && (${query.filter})`;
        const res = await call('GET', `${base}?filter=${encodeURIComponent(filter)}`, who, { headers });
        // A superuser-only collection answers 403 to everyone else.
        if (res.status === 403) return null;
        assert.equal(res.status, 200, `${who} list ${c.collection}: ${JSON.stringify(res.json)}`);
        const items = res.json!.items as Json[];
        return items[0] ?? null;
      }
      const params = new URLSearchParams();
      if (query.fields) params.set('fields', query.fields);
      if (query.expand) params.set('expand', query.expand);
      const res = await call('GET', `${base}/${c.recordId}?${params.toString()}`, who, { headers });
      assert.ok([200, 403, 404].includes(res.status), `${who} view ${c.collection}: ${res.status} ${JSON.stringify(res.json)}`);
      return res.status === 200 ? res.json : null;
    }

    async function oracles(c: MatrixCase): Promise<Map<string, Json | null>> {
      const out = new Map<string, Json | null>();
      await Promise.all(
        IDENTITIES.flatMap((who) => VARIANTS.map(async (v) => out.set(`${who} ${v.name}`, await oracle(c, who, v)))),
      );
      return out;
    }

    async function write(c: MatrixCase, step: Step): Promise<void> {
      const base = `/api/collections/${c.collection}/records`;
      const method = step.action === 'create' ? 'POST' : step.action === 'update' ? 'PATCH' : 'DELETE';
      const url = step.action === 'create' ? base : `${base}/${c.recordId}`;
      const body = step.action === 'create' ? { id: c.recordId, ...step.body } : step.body;
      if (step.via === 'rest') await must(method, url, body);
      else await must('POST', '/api/batch', { requests: [{ method, url, ...(body ? { body } : {}) }] });
    }

    before(async () => {
      t = await startTestApp(dialect);
      await t.app.core.superusers.create('root@example.com', PASSWORD);
      tokens.superuser = await login('_superusers', 'root@example.com');
      await must('PATCH', '/api/collections/users', { listRule: 'id = @request.auth.id', viewRule: 'id = @request.auth.id' });
      for (const who of ['owner', 'other'] as const) {
        await must('POST', '/api/collections/users/records', { id: IDS[who], email: `${who}@example.com`, password: PASSWORD, passwordConfirm: PASSWORD });
        tokens[who] = await login('users', `${who}@example.com`);
      }
      const made = new Set<string>();
      for (const c of CASES) {
        if (made.has(c.collection)) continue;
        made.add(c.collection);
        await must('POST', '/api/collections', { name: c.collection, type: c.type ?? 'base', fields: FIELDS });
      }
      const backrel = await must('GET', '/api/collections/m_backrel');
      await must('POST', '/api/collections', {
        name: 'grants',
        type: 'base',
        fields: [
          { name: 'user', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
          { name: 'note', type: 'relation', collectionId: backrel.id, maxSelect: 1 },
          { name: 'noteId', type: 'text' },
        ],
      });
      // The rules last: some read `grants`, which relates back to m_backrel.
      for (const c of CASES) await must('PATCH', `/api/collections/${c.collection}`, { listRule: c.rule, viewRule: c.rule });
      await must('POST', '/api/collections/members/records', {
        id: IDS.member,
        email: 'member@example.com',
        password: PASSWORD,
        passwordConfirm: PASSWORD,
        title: 't0',
        owner: IDS.owner,
        secret: 's0',
      });
      tokens.member = await login('members', 'member@example.com');
      await must('POST', '/api/collections', { name: 'pings', type: 'base', listRule: '', createRule: '', fields: [{ name: 'n', type: 'number' }] });
      await must('PATCH', '/api/settings', { batch: { enabled: true, maxRequests: 10, timeout: 3 } });

      const subscriptions = allTopics();
      for (const who of IDENTITIES) streams[who] = await subscribed(who, subscriptions);
    });

    after(async () => {
      for (const stream of Object.values(streams)) stream.close();
      await t?.close();
    });

    for (const c of CASES) {
      test(`${c.name} (${c.collection}: ${c.rule === null ? 'null' : JSON.stringify(c.rule)})`, c.todo ? { todo: c.todo } : {}, async () => {
        const problems: string[] = [];
        for (const [index, step] of c.steps.entries()) {
          if (step.grantTo) {
            const note = c.collection === 'm_backrel' ? { note: c.recordId } : {};
            await must('POST', '/api/collections/grants/records', { user: IDS[step.grantTo], noteId: c.recordId, ...note });
          }
          let rest: Map<string, Json | null> | null = null;
          let got: Array<Map<string, Received[]>>;
          try {
            // A delete's record is what REST showed just before it; anything else, just after.
            if (step.action === 'delete') rest = await oracles(c);
            await write(c, step);
            rest ??= await oracles(c);
          } finally {
            // Always end with the marker and drain every stream up to it, so a failure here
            // leaves no stale events for the next case.
            await must('POST', '/api/collections/pings/records', { n: index });
            got = await Promise.all(IDENTITIES.map((who) => eventsUntilMarker(streams[who])));
          }
          IDENTITIES.forEach((who, i) => {
            for (const p of mismatches({ c, step, who, got: got[i]!, rest: rest! })) problems.push(`step ${index} ${step.via} ${step.action}: ${p}`);
          });
        }
        assert.deepEqual(problems, []);
      });
    }

    test('a viewer never receives the export made for another (expand, auth email)', async () => {
      // The privileged subscribers connect first: a shared export would be made for them.
      const order: Identity[] = ['owner', 'member', 'guest'];
      const own = {} as Record<Identity, SseStream>;
      // Filters of their own keep the matrix's streams (connected earlier) out of these groups.
      const expand = topicFor('m_open', '*', { name: 'leak', query: { expand: 'owner', filter: 'id != ""' } });
      const members = topicFor('members', '*', { name: 'leak', query: { filter: 'id != ""' } });
      for (const who of order) {
        const topics = who === 'owner' ? [expand] : who === 'member' ? [members] : [expand, members];
        own[who] = await subscribed(who, [...topics, MARKER]);
      }
      try {
        await must('POST', '/api/collections/m_open/records', { id: 'mleak0000000001', title: 't9', owner: IDS.owner });
        await must('PATCH', `/api/collections/members/records/${IDS.member}`, { title: 't9' });
        await must('POST', '/api/collections/pings/records', { n: -1 });
        await Promise.all(IDENTITIES.map((who) => eventsUntilMarker(streams[who])));
        const got = new Map<Identity, Map<string, Received[]>>();
        for (const who of order) got.set(who, await eventsUntilMarker(own[who]));
        const record = (who: Identity, topic: string) => got.get(who)!.get(topic)?.[0]?.record ?? {};
        assert.equal((record('owner', expand).expand as { owner?: Json } | undefined)?.owner?.id, IDS.owner);
        assert.equal('email' in record('member', members), true);
        assert.equal(record('guest', expand).id, 'mleak0000000001');
        assert.deepEqual(record('guest', expand).expand, {}, 'the guest must not see the owner’s user record');
        assert.equal('email' in record('guest', members), false, 'the guest must not see the member’s email');
      } finally {
        for (const stream of Object.values(own)) stream.close();
      }
    });
  });
}
