// Webhook deliveries end to end, on both engines: a running Plinth, record writes through the
// API, a real receiver checking every signature with an independent implementation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TEST_DIALECTS } from '../../src/db/testing.js';
import { startHookedApp, type HookedApp } from '../hooks/support.js';
import { eventually } from '../support/eventually.js';
import { Receiver } from './receiver.js';

let collectionCounter = 0;

for (const dialect of TEST_DIALECTS) {
  describe(`webhook deliveries [${dialect}]`, () => {
    let app: HookedApp;
    const receivers: Receiver[] = [];

    before(async () => {
      app = await startHookedApp(
        dialect,
        (plinth) => {
          plinth.routerAdd('POST', '/api/orders/{id}/pay', async (e) => {
            const sent = await e.app.emitWebhookEvent('order.paid', { order: e.params.id });
            e.json(200, { sent });
          });
          // Hook code fetching a URL its caller chose goes through the same guard.
          plinth.routerAdd('POST', '/api/test/fetch', async (e) => {
            const body = e.body as { url: string };
            try {
              const res = await e.app.outboundRequest({ url: body.url, method: 'GET', headers: {}, timeoutMs: 5000 });
              e.json(200, { status: res.status });
            } catch (err) {
              e.json(200, { refused: (err as Error).name });
            }
          });
          // A create whose hook fails after the row was written: the transaction rolls back.
          plinth.jobs.define('followUp', () => {});
          plinth.onRecordCreate('doomed').bindFunc(async (e) => {
            await e.next();
            await e.app.jobs.enqueue('followUp', { record: e.record.id });
            throw new Error('refused after the write');
          });
        },
        { outboundAllow: '127.0.0.1/32', webhookRetries: '30ms,30ms,30ms', jobPoll: '30ms' },
      );
    });
    after(async () => {
      for (const r of receivers) await r.close();
      await app.close();
    });

    const receiver = async (): Promise<Receiver> => {
      const r = await Receiver.start();
      receivers.push(r);
      return r;
    };
    const collection = async (
      fields: Record<string, unknown>[] = [{ name: 'title', type: 'text' }],
      name?: string,
      indexes: (name: string) => string[] = () => [],
    ): Promise<string> => {
      const collectionName = name ?? `wh_${dialect}_${++collectionCounter}`;
      await app.plinth.running!.core.collections.create({
        name: collectionName,
        type: 'base',
        listRule: '',
        viewRule: '',
        createRule: '',
        updateRule: '',
        deleteRule: '',
        fields,
        indexes: indexes(collectionName),
      });
      return collectionName;
    };
    const webhook = async (body: Record<string, unknown>) => {
      const res = await app.call('POST', '/api/webhooks', { token: app.superuser, body: { name: 'test', ...body } });
      assert.equal(res.status, 200, res.text);
      return res.json as { id: string; secret: string };
    };
    const deliveries = async (id: string) => (await app.call('GET', `/api/webhooks/${id}/deliveries?perPage=100`, { token: app.superuser })).json.items as {
      id: string;
      state: string;
      attempts: number;
      responseStatus: number | null;
      error: string;
      log: { status: string; responseStatus: number | null; at: string; error: string | null }[];
    }[];

    test('create, update and delete are delivered, signed, with the record as a superuser sees it', async () => {
      const r = await receiver();
      const name = await collection([
        { name: 'title', type: 'text' },
        { name: 'secretNote', type: 'text', hidden: true },
      ]);
      const hook = await webhook({ url: r.url, events: ['record.*'], collections: [name] });
      const created = await app.call('POST', `/api/collections/${name}/records`, { token: app.superuser, body: { title: 'first', secretNote: 'hush' } });
      assert.equal(created.status, 200);
      const id = created.json.id as string;
      await app.call('PATCH', `/api/collections/${name}/records/${id}`, { body: { title: 'second' } });
      await app.call('DELETE', `/api/collections/${name}/records/${id}`);
      await eventually('three deliveries', () => r.requests.length === 3);
      const received = r.verifiedWith(hook.secret);
      const byType = Object.fromEntries(received.map((m) => [m.json.type, m.json]));
      assert.deepEqual(Object.keys(byType).sort(), ['record.create', 'record.delete', 'record.update']);
      assert.equal(byType['record.create']!.data.record!.title, 'first');
      assert.equal(byType['record.update']!.data.record!.title, 'second');
      assert.equal(byType['record.delete']!.data.record!.id, id);
      assert.equal(byType['record.create']!.data.collectionName, name);
      assert.equal('secretNote' in byType['record.create']!.data.record!, false, 'hidden fields are left out by default');
      assert.equal(new Set(received.map((m) => m.id)).size, 3, 'each event has its own message id');
      await eventually('log says delivered', async () => (await deliveries(hook.id)).every((d) => d.state === 'delivered' && d.responseStatus === 200));
    });

    test('a record that loses a deleted relation target is a record.update', async () => {
      const r = await receiver();
      const parent = await collection();
      const core = app.plinth.running!.core;
      const parentId = core.registry.byNameOrId(parent)!.id;
      const child = await collection([{ name: 'parent', type: 'relation', collectionId: parentId, maxSelect: 1 }]);
      const hook = await webhook({ url: r.url, events: ['record.update'], collections: [child] });
      const p = await app.call('POST', `/api/collections/${parent}/records`, { body: { title: 'p' } });
      const c = await app.call('POST', `/api/collections/${child}/records`, { body: { parent: p.json.id } });
      assert.equal(c.status, 200, c.text);
      assert.equal((await app.call('DELETE', `/api/collections/${parent}/records/${p.json.id}`)).status, 204);
      await eventually('detach update', () => r.requests.length === 1);
      const [message] = r.verifiedWith(hook.secret);
      assert.equal(message!.json.type, 'record.update');
      assert.equal(message!.json.data.record!.id, c.json.id);
      assert.equal(message!.json.data.record!.parent, '');
    });

    test('includeHidden sends hidden fields; a condition filters the records', async () => {
      const r = await receiver();
      const name = await collection([
        { name: 'title', type: 'text' },
        { name: 'secretNote', type: 'text', hidden: true },
      ]);
      await webhook({ url: r.url, events: ['record.create'], collections: [name], includeHidden: true, condition: "title != 'skip'" });
      // Only a superuser sets hidden fields.
      await app.call('POST', `/api/collections/${name}/records`, { token: app.superuser, body: { title: 'skip', secretNote: 'a' } });
      await app.call('POST', `/api/collections/${name}/records`, { token: app.superuser, body: { title: 'keep', secretNote: 'b' } });
      await eventually('one delivery', () => r.requests.length === 1);
      assert.equal(r.requests[0]!.json.data.record!.title, 'keep');
      assert.equal(r.requests[0]!.json.data.record!.secretNote, 'b');
      const core = app.plinth.running!.core;
      const rows = await core.db.all(`SELECT "type" FROM "_plinthWebhookDeliveries" WHERE "body" LIKE ?`, [`%"collectionName":"${name}"%`]);
      assert.equal(rows.length, 1, 'the filtered-out create made no delivery');
    });

    test('a condition broken by a schema change skips its endpoint; writes still succeed', async () => {
      const r = await receiver();
      const name = await collection([
        { name: 'title', type: 'text' },
        { name: 'views', type: 'number' },
      ]);
      const hook = await webhook({ url: r.url, events: ['record.create'], collections: [name], condition: 'views > 3' });
      const core = app.plinth.running!.core;
      const current = core.registry.byNameOrId(name)!;
      const patched = await app.call('PATCH', `/api/collections/${name}`, {
        token: app.superuser,
        body: { fields: current.fields.filter((f) => f.name !== 'views') },
      });
      assert.equal(patched.status, 200, patched.text);
      const created = await app.call('POST', `/api/collections/${name}/records`, { body: { title: 'still fine' } });
      assert.equal(created.status, 200, created.text);
      assert.ok(app.logs.some((line) => line.includes('a condition no longer compiles') && line.includes(hook.id)));
    });

    test('a rolled-back write enqueues nothing', async () => {
      const r = await receiver();
      await collection(undefined, `doomed`);
      await webhook({ url: r.url, events: ['record.create'], collections: ['doomed'] });
      const core = app.plinth.running!.core;
      const countRows = async () => (await core.db.all(`SELECT "id" FROM "_plinthWebhookDeliveries" WHERE "body" LIKE '%"collectionName":"doomed"%'`)).length;
      const refused = await app.call('POST', '/api/collections/doomed/records', { body: { title: 'gone' } });
      assert.equal(refused.status, 500);
      // Whatever the write staged (SQLite) is in the queue once this resolves.
      await core.jobs.moveStaged();
      assert.equal(await countRows(), 0);
      const jobs = await app.call('GET', '/api/jobs?perPage=500', { token: app.superuser });
      const fromDoomed = (jobs.json.items as { name: string; payload: { body?: string } }[]).filter(
        (j) => j.name === 'followUp' || j.payload.body?.includes('"collectionName":"doomed"'),
      );
      assert.deepEqual(fromDoomed, [], 'neither the hook\'s job nor the delivery survived the rollback');
      assert.equal((await app.call('GET', '/api/collections/doomed/records', {})).json.totalItems, 0);
      assert.equal(r.requests.length, 0);
    });

    test('a create the database refuses (a taken unique value) is a 400 naming the field, and queues nothing', async () => {
      const r = await receiver();
      const name = await collection([{ name: 'code', type: 'text' }], undefined, (table) => [`CREATE UNIQUE INDEX "idx_${table}_code" ON "${table}" ("code")`]);
      await webhook({ url: r.url, events: ['record.create'], collections: [name] });
      const first = await app.call('POST', `/api/collections/${name}/records`, { body: { code: 'A-1' } });
      assert.equal(first.status, 200, first.text);
      const takenCode = await app.call('POST', `/api/collections/${name}/records`, { body: { code: 'A-1' } });
      assert.equal(takenCode.status, 400, takenCode.text);
      assert.equal(takenCode.json.data.code.code, 'validation_not_unique');
      const takenId = await app.call('POST', `/api/collections/${name}/records`, { body: { id: first.json.id, code: 'B-2' } });
      assert.equal(takenId.status, 400, takenId.text);
      assert.equal(takenId.json.data.id.code, 'validation_not_unique');
      const core = app.plinth.running!.core;
      await core.jobs.moveStaged();
      const payloads = await core.db.all<{ payload: string }>(`SELECT "payload" FROM "_plinthJobs" WHERE "name" = '__plinthWebhookDelivery__'`);
      // Redelivery jobs carry only a delivery id; first sendings carry the message.
      const bodies = payloads.map((row) => (JSON.parse(row.payload) as { body?: string }).body).filter((body) => body !== undefined);
      const queued = bodies.filter((body) => JSON.parse(body).data.collectionName === name);
      assert.equal(queued.length, 1, 'only the create that was written queued a delivery');
      await eventually('the one delivery', () => r.requests.length === 1);
      assert.equal(r.requests[0]!.json.data.record?.code, 'A-1');
      assert.equal((await app.call('GET', `/api/collections/${name}/records`, { token: app.superuser })).json.totalItems, 1);
    });

    test('custom events from hook code reach endpoints subscribed to them', async () => {
      const r = await receiver();
      const hook = await webhook({ url: r.url, events: ['order.*'] });
      const res = await app.call('POST', '/api/orders/o-17/pay', {});
      assert.equal(res.status, 200);
      assert.ok(res.json.sent >= 1);
      await eventually('custom event', () => r.requests.some((m) => m.json.type === 'order.paid' && m.json.data.order === 'o-17'));
      r.verifiedWith(hook.secret);
      await app.call('DELETE', `/api/webhooks/${hook.id}`, { token: app.superuser });
    });

    test('an endpoint that is down is retried until it answers; 429 waits for Retry-After', async () => {
      const r = await receiver();
      r.answer = (index) => (index < 2 ? { status: 503 } : { status: 200 });
      const name = await collection();
      const hook = await webhook({ url: r.url, events: ['record.create'], collections: [name] });
      await app.call('POST', `/api/collections/${name}/records`, { body: { title: 'x' } });
      const [delivery] = await eventually('delivered after retries', async () => {
        const list = await deliveries(hook.id);
        return list[0]?.state === 'delivered' ? list : undefined;
      });
      assert.deepEqual(delivery!.log.map((l) => l.responseStatus), [503, 503, 200]);
      assert.equal(r.logicalDeliveries().length, 1, 'every retry carries the same message id');
      r.verifiedWith(hook.secret);

      const slow = await receiver();
      slow.answer = (index) => (index === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 });
      const name2 = await collection();
      const hook2 = await webhook({ url: slow.url, events: ['record.create'], collections: [name2] });
      await app.call('POST', `/api/collections/${name2}/records`, { body: { title: 'y' } });
      const [waited] = await eventually('delivered after Retry-After', async () => {
        const list = await deliveries(hook2.id);
        return list[0]?.state === 'delivered' ? list : undefined;
      });
      const [first, second] = waited!.log.map((l) => Date.parse(l.at.replace(' ', 'T')));
      assert.ok(second! - first! >= 1000, 'the second attempt waited for the Retry-After');
    });

    test('a receiver that was not listening gets the delivery once it is', async () => {
      const r = await receiver();
      const port = Number(new URL(r.url).port);
      await r.close();
      const name = await collection();
      const hook = await webhook({ url: r.url, events: ['record.create'], collections: [name] });
      await app.call('POST', `/api/collections/${name}/records`, { body: { title: 'late' } });
      await eventually('a failed attempt', async () => (await deliveries(hook.id))[0]?.log.some((l) => l.status === 'failed'));
      const back = await Receiver.start(port);
      receivers.push(back);
      await eventually('delivered once back', () => back.requests.length === 1);
      back.verifiedWith(hook.secret);
      assert.match((await deliveries(hook.id))[0]!.log[0]!.error ?? '', /refused|connect/i);
    });

    test('internal addresses not on the allowlist are refused, never contacted, and not retried', async () => {
      const name = await collection();
      const hook = await webhook({ url: 'http://169.254.169.254/latest/meta-data/', events: ['record.create'], collections: [name] });
      const local = await webhook({ url: 'http://10.0.0.1/hook', events: ['record.create'], collections: [name] });
      await app.call('POST', `/api/collections/${name}/records`, { body: { title: 'x' } });
      for (const id of [hook.id, local.id]) {
        const [delivery] = await eventually('refused', async () => {
          const list = await deliveries(id);
          return list[0]?.state === 'dead' ? list : undefined;
        });
        assert.equal(delivery!.attempts, 1);
        assert.equal(delivery!.log[0]!.status, 'refused');
        assert.match(delivery!.error, /refus|not allowed|internal|link-local|private/i);
      }
    });

    test('hook code can fetch user-supplied URLs through the same guard', async () => {
      const r = await receiver();
      // The receiver's own address is allowlisted for these tests; the metadata address is not.
      const allowed = await app.call('POST', '/api/test/fetch', { body: { url: r.url } });
      assert.deepEqual(allowed.json, { status: 200 });
      const refused = await app.call('POST', '/api/test/fetch', { body: { url: 'http://169.254.169.254/latest/' } });
      assert.deepEqual(refused.json, { refused: 'OutboundRefusedError' });
    });

    test('rotating the secret signs with both for a while; redelivery keeps the message id', async () => {
      const r = await receiver();
      const name = await collection();
      const hook = await webhook({ url: r.url, events: ['record.create'], collections: [name] });
      const rotated = await app.call('POST', `/api/webhooks/${hook.id}/rotate-secret`, { token: app.superuser, body: {} });
      assert.equal(rotated.status, 200);
      assert.notEqual(rotated.json.secret, hook.secret);
      assert.notEqual(rotated.json.previousSecretExpires, '');
      await app.call('POST', `/api/collections/${name}/records`, { body: { title: 'x' } });
      await eventually('delivery', () => r.requests.length === 1);
      r.verifiedWith(hook.secret);
      r.verifiedWith(rotated.json.secret);
      const [delivery] = await eventually('delivered', async () => {
        const list = await deliveries(hook.id);
        return list[0]?.state === 'delivered' ? list : undefined;
      });
      // Two redeliveries at once: one is taken, the other finds the delivery under way (the
      // receiver holds it open, so it cannot end before both calls were answered).
      r.answer = () => 'hold';
      const path = `/api/webhooks/${hook.id}/deliveries/${delivery!.id}/redeliver`;
      const both = await Promise.all([app.call('POST', path, { token: app.superuser }), app.call('POST', path, { token: app.superuser })]);
      assert.deepEqual(both.map((res) => res.status).sort(), [200, 400]);
      await eventually('redelivery in flight', () => r.requests.length === 2);
      r.answer = () => ({ status: 200 });
      r.dropHeld();
      await eventually('redelivered', async () => (await deliveries(hook.id))[0]?.state === 'delivered');
      assert.deepEqual(r.logicalDeliveries(), [delivery!.id]);
    });

    test('sign-ins are auth.login events, without secrets in the record', async () => {
      const r = await receiver();
      const core = app.plinth.running!.core;
      const users = `members_${dialect}`;
      await core.collections.create({ name: users, type: 'auth', createRule: '', fields: [] });
      const hook = await webhook({ url: r.url, events: ['auth.login'], collections: [users] });
      const made = await app.call('POST', `/api/collections/${users}/records`, {
        body: { email: 'ann@example.com', password: 'password-123', passwordConfirm: 'password-123' },
      });
      assert.equal(made.status, 200, made.text);
      const login = await app.call('POST', `/api/collections/${users}/auth-with-password`, { body: { identity: 'ann@example.com', password: 'password-123' } });
      assert.equal(login.status, 200);
      await eventually('login event', () => r.requests.length === 1);
      const [message] = r.verifiedWith(hook.secret);
      assert.equal(message!.json.type, 'auth.login');
      assert.equal(message!.json.data.method, 'password');
      assert.equal(message!.json.data.record!.email, 'ann@example.com');
      assert.equal('password' in message!.json.data.record!, false);
      assert.equal('tokenKey' in message!.json.data.record!, false);
    });

    test('an endpoint failing 50 times in a row is disabled and gets nothing more', async () => {
      const r = await receiver();
      r.answer = () => ({ status: 500 });
      const name = await collection();
      const hook = await webhook({ url: r.url, events: ['record.create'], collections: [name] });
      // Four attempts per delivery (three retries): 13 deliveries make 52 failed attempts.
      for (let i = 0; i < 13; i++) await app.call('POST', `/api/collections/${name}/records`, { body: { title: `n${i}` } });
      const disabled = await eventually('disabled', async () => {
        const res = await app.call('GET', `/api/webhooks/${hook.id}`, { token: app.superuser });
        return res.json.enabled === false ? res.json : undefined;
      });
      assert.match(disabled.disabledReason, /50 failed attempts/);
      await eventually('every delivery ended', async () => (await deliveries(hook.id)).every((d) => d.state === 'dead'));
      const seen = r.requests.length;
      assert.ok(seen >= 50 && seen <= 52, `attempts sent: ${seen}`);
      await app.call('POST', `/api/collections/${name}/records`, { body: { title: 'after' } });
      assert.equal((await deliveries(hook.id)).length, 13, 'a disabled endpoint gets no new deliveries');
      const reenabled = await app.call('PATCH', `/api/webhooks/${hook.id}`, { token: app.superuser, body: { enabled: true } });
      assert.equal(reenabled.json.failures, 0);
      assert.equal(reenabled.json.disabledReason, '');
    });
  });
}
