// Job queue and webhook scenarios of `npm run bench` (each engine starts its own Plinth
// processes for them, 3 to 6 minutes per engine); alone: node bench/run.mjs --scenarios jobs,webhooks
//   jobs     — no-op jobs (`noop`, concurrency 16) enqueued by a custom route of the hook file
//              below, 16 at a time, one commit per job, timed from the enqueue request until
//              GET /api/jobs reports them all completed (polled every 100 ms, `--job-poll 100ms`):
//              jobs/s from enqueue to completion, and jobs/s of the enqueue alone. On PostgreSQL
//              also with two `serve` processes on the same schema, each enqueueing half.
//   webhooks — a webhook on `posts` (record.create) to a receiver process answering 200.
//              (a) deliveries/s: creates from a loop (16 in flight), timed until the receiver has
//              seen them all; (b) create throughput (autocannon) with the webhook enabled against
//              the same collection with it disabled (PATCH enabled), in one process, alternating
//              which goes first; after each enabled run the backlog drains before the next run.
//              (c) the same comparison on a node that sends nothing (`--job-workers false`): the
//              cost of the delivery job written with each create, without the sending.
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startProcess, waitReady } from './processes.mjs';

export const JOB_SCENARIO_NAMES = ['jobs', 'webhooks'];

const JOBS_PER_RUN = 2000;
const DELIVERIES_PER_RUN = 1000;
const CREATES_IN_FLIGHT = 16;
const POLL_MS = 100;
// Bounds on waiting for the queue: far above what a run needs, so only a stuck queue hits them.
const JOBS_LIMIT_MS = 120_000;
const DRAIN_LIMIT_MS = 300_000;

const HOOK_FILE = `// Written by bench/jobs.mjs: a no-op job and a route that enqueues n of them.
export default (plinth) => {
  plinth.jobs.define('noop', async () => {}, { concurrency: 16 });
  plinth.routerAdd('POST', '/bench/enqueue', async (e) => {
    const n = Number(e.query.get('n') ?? '0');
    // 16 at a time, each its own commit, as jobs enqueued by concurrent requests would be
    // (one after the other, PostgreSQL's commit round trips alone would set the pace).
    let next = 0;
    const lane = async () => {
      while (next < n) await e.app.jobs.enqueue('noop', { i: next++ });
    };
    await Promise.all(Array.from({ length: 16 }, lane));
    return e.json(200, { enqueued: n });
  });
};
`;

// The webhook receiver, a bare node:http server in its own process (autocannon runs block the
// benchmark's event loop): counts distinct deliveries, answers 200, GET tells the count.
const RECEIVER = `
const seen = new Set();
require('node:http').createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.method === 'POST') seen.add(req.headers['webhook-id']);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ count: seen.size }));
  });
}).listen(Number(process.env.BENCH_RECEIVER_PORT), '127.0.0.1');
`;

/**
 * Runs the wanted job scenarios on `engine`. `helpers` are bench/run.mjs's own: startPlinth,
 * freshSchema, api, measure (one autocannon run), medianOf and the superuser. Returns `compared`
 * rows for the main table and `throughput` rows for printJobRows.
 */
export async function jobScenarios({ engine, wanted, runs, admin, schema }, helpers) {
  const out = { compared: [], throughput: [] };
  const env = { engine, runs, admin, schema, helpers };
  if (wanted.has('jobs')) {
    out.throughput.push(...(await jobsScenario(env, 1)));
    if (admin) out.throughput.push(...(await jobsScenario(env, 2)));
  }
  if (wanted.has('webhooks')) {
    const { compared, throughput } = await webhooksScenario(env);
    out.compared.push(compared, await outboxScenario(env));
    out.throughput.push(...throughput);
  }
  return out;
}

async function jobsScenario(env, nodeCount) {
  const label = nodeCount === 1 ? 'jobs' : `jobs, ${nodeCount} nodes`;
  return withPlinth(env, `jobs${nodeCount}`, { nodeCount, args: ['--job-poll', '100ms'] }, async ({ nodes, token }) => {
    const { api } = env.helpers;
    const completed = async () =>
      (await api(nodes[0].url, '/api/jobs?state=completed&name=noop&perPage=1', { token })).totalItems;
    const jobRun = async (total) => {
      const before = await completed();
      const start = performance.now();
      const enqueues = nodes.map((node) =>
        api(node.url, `/bench/enqueue?n=${total / nodes.length}`, { method: 'POST', body: {} }).then(() => performance.now() - start),
      );
      const doneAt = pollUntil(async () => (await completed()) >= before + total, JOBS_LIMIT_MS);
      const [enqueueMs, done] = await Promise.all([Promise.all(enqueues), doneAt]);
      return { enqueue: (total / Math.max(...enqueueMs)) * 1000, complete: (total / (done - start)) * 1000 };
    };
    await jobRun(200 * nodes.length); // warm-up, not counted
    const results = [];
    for (let i = 0; i < env.runs; i++) results.push(await jobRun(JOBS_PER_RUN));
    console.error(`${env.engine} ${label}: ${results.map((r) => `${Math.round(r.complete)} (enqueue ${Math.round(r.enqueue)})`).join('/')} jobs/s`);
    return [
      { engine: env.engine, name: label, measure: `enqueue → completed, jobs/s (n = ${JOBS_PER_RUN})`, values: results.map((r) => r.complete) },
      { engine: env.engine, name: label, measure: 'enqueue alone, jobs/s', values: results.map((r) => r.enqueue) },
    ];
  });
}

async function webhooksScenario(env) {
  const receiverPort = await freePort();
  const receiver = startProcess(['-e', RECEIVER], { BENCH_RECEIVER_PORT: String(receiverPort) });
  const receiverUrl = `http://127.0.0.1:${receiverPort}`;
  try {
    await waitReady(receiverUrl);
    const args = ['--job-poll', '100ms', '--outbound-allow', '127.0.0.1/32'];
    return await withPlinth(env, 'webhooks', { nodeCount: 1, args }, async ({ nodes: [node], token }) => {
      const { api, measure, medianOf } = env.helpers;
      const webhook = await postsWithWebhook(api, { url: node.url, token }, `${receiverUrl}/hook`);
      const received = async () => (await api(receiverUrl, '/count')).count;
      const postCount = async () => (await api(node.url, '/api/collections/posts/records?perPage=1', { token })).totalItems;
      const enable = (enabled) => api(node.url, `/api/webhooks/${webhook.id}`, { method: 'PATCH', token, body: { enabled } });

      // (a) deliveries/s from the first create until the receiver has them all.
      const deliveryRun = async (total) => {
        const before = await received();
        const start = performance.now();
        await createMany(node.url, total);
        const done = await pollUntil(async () => (await received()) >= before + total, DRAIN_LIMIT_MS);
        return (total / (done - start)) * 1000;
      };
      await deliveryRun(100); // warm-up, not counted
      const deliveries = [];
      for (let i = 0; i < env.runs; i++) deliveries.push(await deliveryRun(DELIVERIES_PER_RUN));

      // (b) create throughput with the webhook enabled and disabled, alternating which goes first.
      const create = { path: '/api/collections/posts/records', method: 'POST', body: JSON.stringify({ title: 'new', score: 5 }) };
      const plain = [];
      const hooked = [];
      const backlog = [];
      const measurePlain = async () => {
        await enable(false);
        plain.push(measure(node.url + create.path, create, node.child.pid));
      };
      const measureHooked = async () => {
        await enable(true);
        const [posts, seen] = [await postCount(), await received()];
        const start = performance.now();
        hooked.push(measure(node.url + create.path, create, node.child.pid));
        const loadEnd = performance.now();
        const created = (await postCount()) - posts;
        const duringLoad = (await received()) - seen;
        // Drain, so that the next run (either kind) starts with an idle queue.
        const drained = await pollUntil(async () => (await received()) >= seen + created, DRAIN_LIMIT_MS);
        backlog.push({ duringLoad: (duringLoad / (loadEnd - start)) * 1000, overall: (created / (drained - start)) * 1000, drainMs: drained - loadEnd });
      };
      for (let i = 0; i < env.runs; i++) {
        if (i % 2 === 0) await measurePlain().then(measureHooked);
        else await measureHooked().then(measurePlain);
      }
      const rps = (xs) => xs.map((x) => Math.round(x.rps)).join('/');
      console.error(`${env.engine} webhooks: ${deliveries.map(Math.round).join('/')} deliveries/s; create with webhook ${rps(hooked)} without ${rps(plain)} req/s`);
      console.error(`${env.engine} webhooks: backlog drained in ${backlog.map((b) => (b.drainMs / 1000).toFixed(1)).join('/')} s after the load`);
      return {
        compared: { engine: env.engine, name: 'create-webhook', plinth: medianOf(hooked), baseline: medianOf(plain), reference: 'webhook disabled' },
        throughput: [
          { engine: env.engine, name: 'webhooks', measure: `deliveries/s, ${DELIVERIES_PER_RUN} creates → received`, values: deliveries },
          { engine: env.engine, name: 'webhooks', measure: 'deliveries/s during the create load', values: backlog.map((b) => b.duringLoad) },
          { engine: env.engine, name: 'webhooks', measure: 'deliveries/s, create load start → backlog drained', values: backlog.map((b) => b.overall) },
        ],
      };
    });
  } finally {
    await stop(receiver);
  }
}

/** Creates the `posts` collection (open to creates) and a webhook on its creates; returns the webhook. */
async function postsWithWebhook(api, node, receiverUrl) {
  await api(node.url, '/api/collections', {
    method: 'POST',
    token: node.token,
    body: { name: 'posts', type: 'base', listRule: '', createRule: '', fields: [{ name: 'title', type: 'text' }, { name: 'score', type: 'number' }] },
  });
  return api(node.url, '/api/webhooks', {
    method: 'POST',
    token: node.token,
    body: { name: 'bench', url: receiverUrl, events: ['record.create'], collections: ['posts'] },
  });
}

/**
 * The cost a webhook adds to the write itself (its delivery job, in the write's transaction),
 * without the deliveries: a node with `--job-workers false` takes the creates, as an API node
 * would with workers elsewhere. Enabled and disabled alternate in one process.
 */
async function outboxScenario(env) {
  const args = ['--job-workers', 'false'];
  return withPlinth(env, 'outbox', { nodeCount: 1, args }, async ({ nodes: [node], token }) => {
    const { api, measure, medianOf } = env.helpers;
    const webhook = await postsWithWebhook(api, { url: node.url, token }, 'https://receiver.example/hook');
    const enable = (enabled) => api(node.url, `/api/webhooks/${webhook.id}`, { method: 'PATCH', token, body: { enabled } });
    const create = { path: '/api/collections/posts/records', method: 'POST', body: JSON.stringify({ title: 'new', score: 5 }) };
    const plain = [];
    const hooked = [];
    for (let i = 0; i < env.runs; i++) {
      for (const enabled of i % 2 === 0 ? [false, true] : [true, false]) {
        await enable(enabled);
        (enabled ? hooked : plain).push(measure(node.url + create.path, create, node.child.pid));
      }
    }
    const rps = (xs) => xs.map((x) => Math.round(x.rps)).join('/');
    console.error(`${env.engine} outbox: create with webhook ${rps(hooked)} without ${rps(plain)} req/s (deliveries not sent)`);
    return { engine: env.engine, name: 'create-webhook-outbox', plinth: medianOf(hooked), baseline: medianOf(plain), reference: 'webhook disabled' };
  });
}

/**
 * Starts `nodeCount` Plinth processes with the hook file on one fresh database (a schema of
 * their own on PostgreSQL), runs `fn` with them and a superuser token, then stops and removes all.
 */
async function withPlinth(env, name, { nodeCount, args }, fn) {
  const { startPlinth, freshSchema, api, superuser } = env.helpers;
  const root = mkdtempSync(join(tmpdir(), `plinth-bench-${name}-`));
  const hooksDir = join(root, 'plinth_hooks');
  mkdirSync(hooksDir);
  writeFileSync(join(hooksDir, 'bench.js'), HOOK_FILE);
  const ownSchema = env.admin ? `${env.schema}_${name}` : null;
  const nodes = [];
  try {
    const dbUrl = ownSchema ? await freshSchema(env.admin, ownSchema) : null;
    // One after the other: the first applies the migrations, the others find them done.
    for (let i = 0; i < nodeCount; i++) {
      nodes.push(await startPlinth({ dir: join(root, `data${i}`), dbUrl, cwd: root }, ['--hooks-dir', hooksDir, ...args]));
    }
    const { token } = await api(nodes[0].url, '/api/collections/_superusers/auth-with-password', {
      method: 'POST',
      body: { identity: superuser.email, password: superuser.password },
    });
    return await fn({ nodes, token });
  } finally {
    await Promise.all(nodes.map((n) => stop(n.child)));
    rmSync(root, { recursive: true, force: true });
    if (ownSchema) await env.admin.query(`DROP SCHEMA IF EXISTS ${ownSchema} CASCADE`);
  }
}

/** `total` creates of `posts`, CREATES_IN_FLIGHT at a time. */
async function createMany(url, total) {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      const res = await fetch(`${url}/api/collections/posts/records`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: `post ${next}`, score: next }),
      });
      if (!res.ok) throw new Error(`create: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: CREATES_IN_FLIGHT }, worker));
}

/** Polls `check` every POLL_MS; resolves with the time (performance.now) it first held. */
async function pollUntil(check, limitMs) {
  const deadline = performance.now() + limitMs;
  while (performance.now() < deadline) {
    if (await check()) return performance.now();
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`not done within ${limitMs / 1000} s`);
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The throughput table: medians and every run's figure. */
export function printJobRows(rows) {
  if (rows.length === 0) return;
  console.log(`\n| engine | scenario | measure | median | runs |`);
  console.log(`|---|---|---|---:|---|`);
  for (const r of rows) {
    console.log(`| ${r.engine} | ${r.name} | ${r.measure} | ${Math.round(median(r.values))} | ${r.values.map(Math.round).join(' / ')} |`);
  }
}
