// Custom routes, middlewares, cron jobs and the app's life hooks, in library mode on both engines.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TEST_DIALECTS } from '../../src/db/testing.js';
import { NotFoundError, requireAuth, requireSuperuserAuth } from '../../src/index.js';
import { startHookedApp, type HookedApp } from './support.js';
import { tempDir } from '../support/server.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const reportDir = tempDir();
const reportFile = join(reportDir, 'report.csv');
writeFileSync(reportFile, 'a,b\n1,2\n');

for (const dialect of TEST_DIALECTS) {
  describe(`custom routes and cron [${dialect}]`, () => {
    let h: HookedApp;
    const life: string[] = [];
    let cronRuns = 0;

    before(async () => {
      h = await startHookedApp(dialect, (plinth) => {
        plinth.onBootstrap().bindFunc(async (e) => {
          life.push('bootstrap');
          await e.next();
        });
        plinth.onServe().bindFunc(async (e) => {
          life.push('serve:before');
          await e.next();
          life.push(`serve:listening=${e.address.startsWith('http://127.0.0.1:')}`);
        });
        plinth.onTerminate().bindFunc(async (e) => {
          life.push('terminate');
          await e.next();
        });
        plinth.routerUse(async (e) => {
          e.response.setHeader('x-served-by', 'plinth-test');
          await e.next();
        });
        plinth.routerAdd('GET', '/api/hello/{name}', (e) => e.json(200, { hello: e.params.name, query: e.query.get('q') }));
        plinth.routerAdd('POST', '/api/echo', (e) => e.json(201, { got: e.body }));
        plinth.routerAdd('GET', '/api/posts-count', async (e) => e.text(200, String(await e.app.countRecords('posts'))));
        plinth.routerAdd('GET', '/api/page', (e) => e.html(200, '<h1>hi</h1>'));
        plinth.routerAdd('GET', '/api/go', (e) => e.redirect(302, '/api/page'));
        plinth.routerAdd('GET', '/api/admin-only', (e) => e.json(200, { ok: true }), requireSuperuserAuth());
        plinth.routerAdd('GET', '/api/users-only', (e) => e.json(200, { ok: true }), requireAuth('users'));
        plinth.routerAdd('GET', '/api/missing-thing', () => {
          throw new NotFoundError('No such thing.');
        });
        plinth.routerAdd('GET', '/api/rejects-later', async () => {
          await Promise.resolve();
          throw new Error('database password is hunter2');
        });
        plinth.routerAdd('GET', '/api/says-nothing', () => {});
        plinth.routerAdd('GET', '/api/report.csv', (e) => e.file(reportFile, { downloadName: 'report (1).csv' }));
        plinth.routerAdd('GET', '/api/no-file', (e) => e.file(join(reportDir, 'missing.csv')));
        plinth.routerAdd('GET', '/api/numbers', (e) =>
          e.stream(200, 'text/plain', (async function* () {
            for (let i = 1; i <= 3; i++) yield `${i}\n`;
          })()),
        );
        plinth.cronAdd('count', '*/5 * * * *', () => {
          cronRuns++;
        });
      });
    });
    after(() => h.close());

    test('bootstrap and serve hooks ran around the start', () => {
      assert.deepEqual(life, ['bootstrap', 'serve:before', 'serve:listening=true']);
    });

    test('routes answer with path params, query, parsed bodies, text, html and redirects', async () => {
      const hello = await h.call('GET', '/api/hello/ada?q=1');
      assert.deepEqual(hello.json, { hello: 'ada', query: '1' });
      assert.equal(hello.headers.get('x-served-by'), 'plinth-test');
      const echo = await h.call('POST', '/api/echo', { body: { a: [1, 2] } });
      assert.equal(echo.status, 201);
      assert.deepEqual(echo.json, { got: { a: [1, 2] } });
      await h.call('POST', '/api/collections/posts/records', { body: { title: 'one' } });
      const count = await h.call('GET', '/api/posts-count');
      assert.equal(count.text, '1');
      assert.match(count.headers.get('content-type') ?? '', /^text\/plain/);
      const page = await h.call('GET', '/api/page');
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      const go = await fetch(`${h.url}/api/go`, { redirect: 'manual' });
      assert.equal(go.status, 302);
      assert.equal(go.headers.get('location'), '/api/page');
      const quiet = await h.call('GET', '/api/says-nothing');
      assert.equal(quiet.status, 204);
    });

    test('global middlewares run around built-in routes too', async () => {
      const health = await h.call('GET', '/api/health');
      assert.equal(health.status, 200);
      assert.equal(health.headers.get('x-served-by'), 'plinth-test');
    });

    test('auth middlewares answer 401 to guests and 403 to the wrong identity', async () => {
      assert.equal((await h.call('GET', '/api/admin-only')).status, 401);
      assert.equal((await h.call('GET', '/api/admin-only', { token: h.superuser })).status, 200);
      assert.equal((await h.call('GET', '/api/users-only')).status, 401);
      // A superuser passes any collection check.
      assert.equal((await h.call('GET', '/api/users-only', { token: h.superuser })).status, 200);
    });

    test('errors: a thrown API error keeps its status; an async rejection is a safe, logged 500', async () => {
      const missing = await h.call('GET', '/api/missing-thing');
      assert.deepEqual(missing.json, { data: {}, message: 'No such thing.', status: 404 });
      const broken = await h.call('GET', '/api/rejects-later');
      assert.equal(broken.status, 500);
      assert.doesNotMatch(broken.text, /hunter2/);
      assert.ok(h.logs.some((line) => line.includes('hunter2')));
      assert.equal((await h.call('GET', '/api/hello/again')).status, 200);
    });

    test('file and stream replies', async () => {
      const report = await h.call('GET', '/api/report.csv');
      assert.equal(report.status, 200);
      assert.equal(report.text, 'a,b\n1,2\n');
      assert.match(report.headers.get('content-type') ?? '', /^text\/csv/);
      assert.equal(report.headers.get('content-length'), '8');
      assert.equal(report.headers.get('content-disposition'), "attachment; filename*=UTF-8''report%20(1).csv");
      assert.equal((await h.call('GET', '/api/no-file')).status, 404);
      const numbers = await h.call('GET', '/api/numbers');
      assert.equal(numbers.text, '1\n2\n3\n');
    });

    test('built-in routes win; unknown paths still 404', async () => {
      assert.equal((await h.call('GET', '/api/nothing-here')).status, 404);
    });

    test('cron jobs are listed and can be run by a superuser', async () => {
      const list = await h.call('GET', '/api/crons', { token: h.superuser });
      assert.ok(list.json.some((job: { id: string; expression: string }) => job.id === 'count' && job.expression === '*/5 * * * *'));
      assert.equal((await h.call('POST', '/api/crons/count')).status, 401);
      const before = cronRuns;
      assert.equal((await h.call('POST', '/api/crons/count', { token: h.superuser })).status, 204);
      assert.equal(cronRuns, before + 1);
    });

    test('a route that clashes with one already added is refused at registration', () => {
      assert.throws(() => h.plinth.routerAdd('GET', '/api/hello/{who}', () => {}), /hello/);
    });

    test('the terminate hook runs when the app stops', async () => {
      await h.close();
      assert.equal(life.at(-1), 'terminate');
      h.close = async () => {};
    });
  });
}
