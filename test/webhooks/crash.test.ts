// Nothing committed is lost when the process dies: the real CLI is killed with SIGKILL
// after a write committed (before its delivery was sent, and again while it was being sent),
// and the restarted server delivers it — one logical delivery per event, however often sent.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { TEST_DIALECTS } from '../../src/db/testing.js';
import { freshPostgresUrl } from '../support/pg.js';
import { runCliToEnd, startServer, tempDir, type RunningServer } from '../support/server.js';
import { eventually } from '../support/eventually.js';
import { jsonClient } from '../support/json-client.js';
import { Receiver } from './receiver.js';

const ADMIN = { email: 'crash@example.com', password: 'crash-password-1' };

for (const dialect of TEST_DIALECTS) {
  describe(`webhook delivery across a crash [${dialect}]`, () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    after(async () => {
      for (const fn of cleanups.reverse()) await fn();
    });

    test('a committed write is delivered after SIGKILL, before and during sending', async () => {
      const dir = tempDir();
      const db = dialect === 'postgres' ? await freshPostgresUrl() : null;
      if (db) cleanups.push(() => db.cleanup());
      const dbArgs = db ? ['--db', db.url] : [];
      const made = await runCliToEnd(['superuser', 'upsert', ADMIN.email, ADMIN.password, '--dir', dir, ...dbArgs]);
      assert.equal(made.code, 0, made.stderr);
      const receiver = await Receiver.start();
      cleanups.push(() => receiver.close());
      const serve = async (extra: string[]): Promise<RunningServer> => {
        const server = await startServer({ dir, ...(db ? { db: db.url } : {}), extraArgs: ['--outbound-allow', '127.0.0.1/32', '--job-poll', '50ms', '--job-lease', '1s', ...extra] });
        cleanups.push(() => server.stop());
        return server;
      };

      // 1. A node that runs no jobs takes the write; it dies before anything was sent.
      const first = await serve(['--job-workers', 'false']);
      let call = jsonClient(first.url);
      const token = (await call('POST', '/api/collections/_superusers/auth-with-password', { body: { identity: ADMIN.email, password: ADMIN.password } })).json.token as string;
      const made1 = await call('POST', '/api/collections', {
        token,
        body: { name: 'orders', type: 'base', createRule: '', fields: [{ name: 'total', type: 'number' }] },
      });
      assert.equal(made1.status, 200);
      const hook = (await call('POST', '/api/webhooks', { token, body: { name: 'crm', url: receiver.url, events: ['record.create'], collections: ['orders'] } })).json;
      assert.equal((await call('POST', '/api/collections/orders/records', { body: { total: 10 } })).status, 200);
      // Queued, not sent: a pending delivery job carrying the message (on SQLite it is staged
      // with the write and moved into the queue just after the commit).
      let queued: { state: string; payload: { deliveryId: string } }[] = [];
      await eventually('the delivery job listed', async () => {
        queued = (await call('GET', '/api/jobs?name=__plinthWebhookDelivery__', { token })).json.items as typeof queued;
        return queued.length > 0;
      });
      assert.deepEqual(queued.map((j) => j.state), ['pending']);
      const pending = queued.map((j) => ({ id: j.payload.deliveryId }));
      first.child.kill('SIGKILL');
      await eventually('first process gone', () => first.child.exitCode !== null || first.child.signalCode !== null);
      assert.equal(receiver.requests.length, 0);

      // 2. A restarted node with workers sends it.
      const second = await serve([]);
      call = jsonClient(second.url);
      await eventually('delivered after restart', () => receiver.requests.length === 1);
      assert.deepEqual(receiver.logicalDeliveries(), [pending[0]!.id]);
      receiver.verifiedWith(hook.secret);

      // 3. It dies while sending the next one (the receiver holds the request open).
      receiver.answer = (index) => (index === 1 ? 'hold' : { status: 200 });
      assert.equal((await call('POST', '/api/collections/orders/records', { body: { total: 20 } })).status, 200);
      await eventually('second delivery in flight', () => receiver.requests.length === 2);
      second.child.kill('SIGKILL');
      await eventually('second process gone', () => second.child.exitCode !== null || second.child.signalCode !== null);

      // 4. The next node finds the run's lease lapsed and sends it again, under the same id.
      const third = await serve([]);
      call = jsonClient(third.url);
      await eventually('re-sent after the lease lapsed', () => receiver.requests.length === 3);
      const inFlightId = receiver.requests[1]!.id;
      assert.equal(receiver.requests[2]!.id, inFlightId);
      assert.equal(receiver.logicalDeliveries().length, 2, 'two events, two logical deliveries');
      receiver.verifiedWith(hook.secret);
      const jobs = (await call('GET', '/api/jobs?name=__plinthWebhookDelivery__&perPage=10', { token })).json.items as { id: string; payload: { deliveryId: string } }[];
      const job = jobs.find((j) => j.payload.deliveryId === inFlightId)!;
      const detail = await eventually('job completed', async () => {
        const res = await call('GET', `/api/jobs/${job.id}`, { token });
        return res.json.state === 'completed' ? res.json : undefined;
      });
      assert.deepEqual((detail.attemptsLog as { outcome: string }[]).map((a) => a.outcome), ['lost', 'completed']);
    });
  });
}
