// First run: `plinth serve` on a database without superusers prints a one-time link; the page
// behind it creates the first superuser with the link's token, which then stops working.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import PocketBase, { type ClientResponseError } from 'pocketbase';
import { startServer, tempDir, type RunningServer } from '../support/server.js';
import { freshPostgresUrl } from '../support/pg.js';

const LINK = /(http:\/\/\S+)\/_\/#\/pbinstall\/([\w.-]+)/;

function waitForOutput(server: RunningServer, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const found = server.output().match(pattern);
      if (found) {
        server.child.stderr!.off('data', check);
        server.child.off('exit', onExit);
        resolve(found);
      }
    };
    const onExit = () => reject(new Error(`server exited before printing ${pattern}:\n${server.output()}`));
    server.child.stderr!.on('data', check);
    server.child.once('exit', onExit);
    check();
  });
}

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`first-run link [${engine}]`, () => {
    let server: RunningServer;
    let pg: { url: string; cleanup(): Promise<void> } | undefined;
    const dir = tempDir();

    before(async () => {
      if (engine === 'postgres') pg = await freshPostgresUrl();
      server = await startServer({ dir, db: pg?.url });
    });

    after(async () => {
      await server?.stop();
      await pg?.cleanup();
    });

    test('the link opens a setup page and its token creates the first superuser once', async () => {
      const [, base, token] = await waitForOutput(server, LINK);
      assert.equal(base, server.url);

      const page = await fetch(`${server.url}/_/`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      assert.match(await page.text(), /first-run\.js/);

      // The token is a superuser token, but only for a short while and not refreshable.
      const claims = JSON.parse(Buffer.from(token!.split('.')[1]!, 'base64url').toString()) as { exp: number; refreshable: boolean };
      assert.equal(claims.refreshable, false);
      assert.ok(claims.exp - Date.now() / 1000 <= 30 * 60 + 5);

      const pb = new PocketBase(server.url);
      const created = await pb.collection('_superusers').create(
        { email: 'owner@example.com', password: 'owner-password-1', passwordConfirm: 'owner-password-1' },
        { headers: { Authorization: token! } },
      );
      assert.equal(created.email, 'owner@example.com');

      // The placeholder account is gone, so its token is void.
      await assert.rejects(
        pb.collection('_superusers').getList(1, 10, { headers: { Authorization: token! } }),
        (err: ClientResponseError) => err.status === 403 || err.status === 401,
      );
      const owner = new PocketBase(server.url);
      await owner.collection('_superusers').authWithPassword('owner@example.com', 'owner-password-1');
      const all = await owner.collection('_superusers').getFullList();
      assert.deepEqual(
        all.map((r) => r.email),
        ['owner@example.com'],
      );
    });

    test('with a superuser in place, a restart prints no link', async () => {
      await server.stop();
      server = await startServer({ dir, db: pg?.url });
      // The link would be part of the same write as the serving line.
      await waitForOutput(server, /serving the API/);
      const health = await fetch(`${server.url}/api/health`);
      assert.equal(health.status, 200);
      assert.doesNotMatch(server.output(), LINK);
    });
  });
}
