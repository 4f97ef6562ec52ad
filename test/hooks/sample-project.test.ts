// The sample shop project (test/fixtures/sample-project) run with the real CLI on both engines:
// its migration chain goes up, partly down and up again; then `plinth serve` loads its hooks,
// which validate, enrich and reject orders, sign receipts with an npm package, and run a cron
// job on demand. A failing route does not stop the server.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { jwtVerify } from 'jose';
import PocketBase, { ClientResponseError } from 'pocketbase';
import { TEST_DIALECTS } from '../../src/db/testing.js';
import { testDatabaseUrl } from '../support/app.js';
import { runCliToEnd, startServer, tempDir, type RunningServer } from '../support/server.js';
import { projectCopy } from './project.js';

const RECEIPT_KEY = new TextEncoder().encode('sample-project-receipt-key-0123456789');

for (const dialect of TEST_DIALECTS) {
  describe(`sample project with the real CLI [${dialect}]`, () => {
    let project: string;
    let dataDir: string;
    let db: Awaited<ReturnType<typeof testDatabaseUrl>>;
    let server: RunningServer | null = null;
    const cli = (args: string[]) =>
      runCliToEnd([...args, '--dir', dataDir, ...(db.url ? ['--db', db.url] : [])], { cwd: project, env: { PLINTH_LOG_LEVEL: 'warn' } });

    before(async () => {
      project = projectCopy('sample-project', ['jose']);
      dataDir = tempDir();
      db = await testDatabaseUrl(dialect);
    });
    after(async () => {
      await server?.stop();
      await db.cleanup();
    });

    test('the migration chain goes up, two come down, and it goes up again', async () => {
      const up = await cli(['migrate', 'up']);
      assert.equal(up.code, 0, up.stderr);
      for (const file of ['1700000000_create_orders.ts', '1700000100_add_note.ts', '1700000200_seed_order.ts']) assert.match(up.stdout, new RegExp(file));
      const down = await cli(['migrate', 'down', '2']);
      assert.equal(down.code, 0, down.stderr);
      assert.match(down.stdout, /1700000200_seed_order\.ts/);
      assert.match(down.stdout, /1700000100_add_note\.ts/);
      assert.doesNotMatch(down.stdout, /1700000000_create_orders\.ts/);
      const again = await cli(['migrate', 'up']);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /1700000100_add_note\.ts/);
      assert.doesNotMatch(again.stdout, /1700000000_create_orders\.ts/);
    });

    test('serve loads the hooks: orders are validated, priced and protected', async () => {
      assert.equal((await cli(['superuser', 'upsert', 'root@example.com', 'root-password-1'])).code, 0);
      server = await startServer({ dir: dataDir, db: db.url, cwd: project });
      const pb = new PocketBase(server.url);
      const seeded = await pb.collection('orders').getOne('seededorder0001');
      assert.equal(seeded.note, 'seeded');

      const order = await pb.collection('orders').create({ item: 'widget', quantity: 3, total: 1 });
      assert.equal(order.total, 15);
      assert.equal(order.status, 'open');

      const unknown = await pb.collection('orders').create({ item: 'unicorn', quantity: 1 }).catch((err: unknown) => err);
      assert.ok(unknown instanceof ClientResponseError);
      assert.equal(unknown.status, 400);
      assert.equal(unknown.response.data.item.code, 'unknown_item');
      const none = await pb.collection('orders').create({ item: 'widget', quantity: 0 }).catch((err: unknown) => err);
      assert.ok(none instanceof ClientResponseError);
      assert.equal(none.response.data.quantity.code, 'too_few');

      const paid = await pb.collection('orders').create({ item: 'gadget', quantity: 1, status: 'paid' });
      const refused = await pb.collection('orders').delete(paid.id).catch((err: unknown) => err);
      assert.ok(refused instanceof ClientResponseError);
      assert.equal(refused.status, 403);
      assert.equal(refused.message, 'Paid orders cannot be deleted.');
    });

    test('a custom route signs receipts with an npm package', async () => {
      const pb = new PocketBase(server!.url);
      const order = await pb.collection('orders').create({ item: 'gadget', quantity: 2 });
      const { receipt } = await pb.send(`/api/orders/${order.id}/receipt`, {});
      const { payload } = await jwtVerify(receipt, RECEIPT_KEY);
      assert.equal(payload.sub, order.id);
      assert.equal(payload.total, 24);
      const missing = await fetch(`${server!.url}/api/orders/nope/receipt`);
      assert.equal(missing.status, 404);
    });

    test('the cron job runs on demand; a route failing asynchronously leaves the server serving', async () => {
      const pb = new PocketBase(server!.url);
      await pb.collection('_superusers').authWithPassword('root@example.com', 'root-password-1');
      const jobs = await pb.crons.getFullList();
      assert.ok(jobs.some((job) => job.id === 'closeStaleOrders'));
      await pb.crons.run('closeStaleOrders');
      const open = await pb.collection('orders').getFullList({ filter: 'status = "open"' });
      assert.deepEqual(open, []);
      const boom = await fetch(`${server!.url}/api/boom`);
      assert.equal(boom.status, 500);
      assert.equal((await fetch(`${server!.url}/api/health`)).status, 200);
      const forgotten = await fetch(`${server!.url}/api/fire-and-forget`, { method: 'POST' });
      assert.equal(forgotten.status, 202);
      // The rejection is reported, and the server is still there to answer.
      const deadline = Date.now() + 10_000;
      while (!server!.output().includes('a background task failed') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.match(server!.output(), /a background task failed/);
      assert.equal((await fetch(`${server!.url}/api/health`)).status, 200);
    });
  });
}

describe('hook files that fail to load', () => {
  test('serve stops before serving and names the file and line', async () => {
    const project = projectCopy('sample-project', ['jose']);
    writeFileSync(join(project, 'plinth_hooks/30_broken.ts'), 'export default (plinth) => {\n  plinth.routerAdd("GET", "/x", (e) => {\n    e.json(200, {);\n  });\n};\n');
    const result = await runCliToEnd(['serve', '--dir', tempDir(), '--http', '127.0.0.1:0'], { cwd: project });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /30_broken\.ts:3:\d+/);
    assert.doesNotMatch(result.stderr, /Plinth is serving/);
  });

  test('a hook file whose registration throws stops the start too', async () => {
    const project = projectCopy('sample-project', ['jose']);
    writeFileSync(join(project, 'plinth_hooks/30_throws.ts'), 'export default () => {\n  throw new Error("cannot register");\n};\n');
    const result = await runCliToEnd(['serve', '--dir', tempDir(), '--http', '127.0.0.1:0'], { cwd: project });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /30_throws\.ts:2:\d+: cannot register/);
  });
});
