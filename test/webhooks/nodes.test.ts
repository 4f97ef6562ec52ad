// Webhooks on two nodes sharing PostgreSQL (the only engine several nodes can share): an
// endpoint created through one node takes writes made through the other, and turning it
// off on one stops deliveries of writes made on the other.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { freshPostgresUrl } from '../support/pg.js';
import { eventually } from '../support/eventually.js';
import { jsonClient, type JsonCall } from '../support/json-client.js';
import { runCliToEnd, startServer, tempDir, type RunningServer } from '../support/server.js';
import { Receiver } from './receiver.js';

const ADMIN = { email: 'hooks-nodes@example.com', password: 'hooks-nodes-password-1' };

describe('webhook endpoints across nodes [postgres]', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });

  test('a change made on one node applies to writes on the other', async () => {
    const db = await freshPostgresUrl();
    cleanups.push(() => db.cleanup());
    const dir = tempDir();
    assert.equal((await runCliToEnd(['superuser', 'upsert', ADMIN.email, ADMIN.password, '--dir', dir, '--db', db.url])).code, 0);
    const receiver = await Receiver.start();
    cleanups.push(() => receiver.close());
    const nodes: RunningServer[] = [];
    for (let i = 0; i < 2; i++) {
      const node = await startServer({ dir, db: db.url, extraArgs: ['--outbound-allow', '127.0.0.1/32', '--job-poll', '50ms'] });
      cleanups.push(() => node.stop());
      nodes.push(node);
    }
    const call = (node: RunningServer, ...args: Parameters<JsonCall>) => jsonClient(node.url)(...args);
    const [a, b] = nodes as [RunningServer, RunningServer];
    const token = (await call(a, 'POST', '/api/collections/_superusers/auth-with-password', { body: { identity: ADMIN.email, password: ADMIN.password } })).json.token as string;
    assert.equal((await call(a, 'POST', '/api/collections', { token, body: { name: 'notes', type: 'base', createRule: '', fields: [{ name: 'text', type: 'text' }] } })).status, 200);
    const hook = (await call(a, 'POST', '/api/webhooks', { token, body: { name: 'n', url: receiver.url, events: ['record.create'], collections: ['notes'] } })).json;

    // Node b hears of the new endpoint: its writes are delivered.
    await eventually('b delivers for an endpoint made on a', async () => {
      await call(b, 'POST', '/api/collections/notes/records', { body: { text: 'from b' } });
      return receiver.requests.some((r) => r.json.data.record?.text === 'from b');
    });
    receiver.verifiedWith(hook.secret);

    // Disabled on b: a's writes stop making deliveries.
    assert.equal((await call(b, 'PATCH', `/api/webhooks/${hook.id}`, { token, body: { enabled: false } })).status, 200);
    await eventually('a sees the endpoint disabled', async () => {
      const made = await call(a, 'POST', '/api/collections/notes/records', { body: { text: 'probe' } });
      const queued = await call(a, 'GET', `/api/jobs?name=__plinthWebhookDelivery__&perPage=500`, { token });
      const probes = (queued.json.items as { payload: { body?: string } }[]).filter((j) => j.payload.body?.includes(String(made.json.id)));
      return probes.length === 0;
    });
  });
});
