// 1,000 jobs through real `plinth serve` processes: two nodes sharing one PostgreSQL
// schema, or the one node SQLite allows. Each job records its run as a record, so the
// database itself shows that every job ran once: none twice, none lost.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { TEST_DIALECTS } from '../../src/db/testing.js';
import { freshPostgresUrl } from '../support/pg.js';
import { runCliToEnd, startServer, tempDir, type RunningServer } from '../support/server.js';
import { eventually } from '../support/eventually.js';
import { jsonClient } from '../support/json-client.js';

const ADMIN = { email: 'nodes@example.com', password: 'nodes-password-1' };
const JOBS = 1000;

// Each run writes a record naming its job and the process that ran it.
const HOOK_FILE = `
export default (plinth) => {
  plinth.jobs.define('work', async (payload, ctx) => {
    const run = ctx.app.newRecord('runs', { job: String(payload.n), node: String(process.pid), attempt: ctx.attempt });
    await ctx.app.save(run);
  }, { concurrency: 8 });
  plinth.routerAdd('POST', '/api/test/enqueue', async (e) => {
    const n = Number(e.request.url.split('n=')[1]);
    await e.app.runInTransaction(async (tx) => {
      for (let i = 0; i < n; i++) await tx.jobs.enqueue('work', { n: i });
    });
    e.json(200, { enqueued: n });
  });
};
`;

for (const dialect of TEST_DIALECTS) {
  const nodes = dialect === 'postgres' ? 2 : 1;
  describe(`${JOBS} jobs on ${nodes} node(s) [${dialect}]`, () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    after(async () => {
      for (const fn of cleanups.reverse()) await fn();
    });

    test('every job runs exactly once', { timeout: 120_000 }, async () => {
      const project = tempDir('plinth-nodes-');
      mkdirSync(join(project, 'plinth_hooks'));
      writeFileSync(join(project, 'plinth_hooks', 'work.js'), HOOK_FILE);
      const db = dialect === 'postgres' ? await freshPostgresUrl() : null;
      if (db) cleanups.push(() => db.cleanup());
      const dir = tempDir();
      const dbArgs = db ? ['--db', db.url] : [];
      assert.equal((await runCliToEnd(['superuser', 'upsert', ADMIN.email, ADMIN.password, '--dir', dir, ...dbArgs])).code, 0);
      const servers: RunningServer[] = [];
      for (let i = 0; i < nodes; i++) {
        const server = await startServer({ dir, ...(db ? { db: db.url } : {}), cwd: project, extraArgs: ['--job-poll', '50ms'] });
        cleanups.push(() => server.stop());
        servers.push(server);
      }
      const call = jsonClient(servers[0]!.url);
      const token = (await call('POST', '/api/collections/_superusers/auth-with-password', { body: { identity: ADMIN.email, password: ADMIN.password } })).json.token as string;
      const made = await call('POST', '/api/collections', {
        token,
        body: {
          name: 'runs',
          type: 'base',
          fields: [
            { name: 'job', type: 'text' },
            { name: 'node', type: 'text' },
            { name: 'attempt', type: 'number' },
          ],
        },
      });
      assert.equal(made.status, 200);
      assert.equal((await call('POST', `/api/test/enqueue?n=${JOBS}`, {})).status, 200);
      await eventually('all completed', async () => {
        const res = await call('GET', '/api/jobs?name=work&state=completed&perPage=1', { token });
        return res.json.totalItems === JOBS;
      }, 60_000);
      const runs = (await call('GET', '/api/collections/runs/records?perPage=1000&skipTotal=0', { token })).json;
      assert.equal(runs.totalItems, JOBS, 'one run per job');
      const items = runs.items as { job: string; node: string; attempt: number }[];
      assert.equal(new Set(items.map((r) => r.job)).size, JOBS, 'no job ran twice');
      assert.ok(items.every((r) => r.attempt === 1), 'no run was retried');
      const perNode = new Set(items.map((r) => r.node));
      assert.equal(perNode.size, nodes, `runs per node: ${[...perNode].join(', ')}`);
      const others = await call('GET', '/api/jobs?state=pending&perPage=1', { token });
      assert.equal(others.json.totalItems, 0);
    });
  });
}
