// `npm run bench`: Plinth against the bare baseline (bench/baseline-server.mjs) on the same
// 10,000-row table, SQLite and PostgreSQL, load from a separate autocannon process.
// Prints medians of several runs and the ratio Plinth / baseline for each scenario.
//   options: --runs N (default 3)  --duration S (default 5)  --connections C (default 50)
//            --engines sqlite,postgres  --scenarios view,list,create,refresh,login,download,thumbs,jobs,webhooks
//            --profile DIR (writes a CPU profile of each Plinth process to DIR; see bench/profile-summary.mjs)
// Hooks and custom routes, not in the default list (a second Plinth process to seed, ~2.5 more
// minutes): `node bench/run.mjs --scenarios create-hooks,route-list` (see bench/hooks.mjs).
// Job queue and webhooks (`jobs`, `webhooks`) start their own Plinth processes and a webhook
// receiver, 3 to 6 minutes per engine (see bench/jobs.mjs).
// Realtime (10,000 SSE clients, rule-checked fan-out): `npm run bench:realtime` (bench/realtime.mjs).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { downloadPath, measureThumbs, seedFileScenarios } from './files.mjs';
import { HOOK_SCENARIO_NAMES, hookScenarios, writeHookFiles } from './hooks.mjs';
import { JOB_SCENARIO_NAMES, jobScenarios, printJobRows } from './jobs.mjs';
import { cpuMicros, freePort, startProcess, waitReady } from './processes.mjs';

const root = resolve(import.meta.dirname, '..');
const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    engines: { type: 'string', default: 'sqlite,postgres' },
    rows: { type: 'string', default: '10000' },
    scenarios: { type: 'string', default: 'view,list,create,refresh,login,download,thumbs,jobs,webhooks' },
    profile: { type: 'string' },
  },
});
const RUNS = Number(opts.runs);
const ROWS = Number(opts.rows);
const PG_URL = process.env.PLINTH_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ADMIN = { email: 'bench@example.com', password: 'bench-password-1' };
const USER = { email: 'bench-user@example.com', password: 'bench-user-password-1' };
// Go's bcrypt.DefaultCost, which Plinth uses when a password field sets no cost.
const BCRYPT_COST = 10;

/** A new, empty PostgreSQL schema; returns the URL that puts a connection in it. */
async function freshSchema(admin, schema) {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  return `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

/**
 * Makes the superuser and starts `plinth serve` on `dir` (and on `dbUrl` when set). It runs in
 * `cwd` so that a `plinth_hooks` or `plinth_migrations` folder where the benchmark was started
 * is not picked up; `extraArgs` go to `serve`.
 */
async function startPlinth({ dir, dbUrl, cwd }, extraArgs = []) {
  const dbArgs = dbUrl ? ['--db', dbUrl] : [];
  const bin = join(root, 'bin/plinth.js');
  const made = spawnSync(process.execPath, [bin, 'superuser', 'upsert', ADMIN.email, ADMIN.password, '--dir', dir, ...dbArgs], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(made.stderr);
  const port = await freePort();
  const profileArgs = opts.profile ? ['--cpu-prof', '--cpu-prof-dir', resolve(opts.profile)] : [];
  const args = [...profileArgs, bin, 'serve', '--dir', dir, '--http', `127.0.0.1:${port}`, ...dbArgs, ...extraArgs];
  const child = startProcess(args, { PLINTH_LOG_LEVEL: 'error' }, cwd);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url);
  return { child, url };
}

async function api(url, path, { method = 'GET', body, token } = {}) {
  const res = await fetch(url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function seed(url) {
  const { token } = await api(url, '/api/collections/_superusers/auth-with-password', {
    method: 'POST',
    body: { identity: ADMIN.email, password: ADMIN.password },
  });
  const collection = await api(url, '/api/collections', {
    method: 'POST',
    token,
    body: {
      name: 'bench',
      type: 'base',
      listRule: '',
      viewRule: '',
      createRule: '',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'category', type: 'text' },
        { name: 'score', type: 'number' },
        { name: 'created', type: 'autodate', onCreate: true, onUpdate: false },
        { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
      ],
      indexes: ['CREATE INDEX idx_bench_category ON bench (category, score)'],
    },
  });
  let firstId = null;
  for (let start = 0; start < ROWS; start += 50) {
    const requests = [];
    for (let i = start; i < Math.min(ROWS, start + 50); i++) {
      requests.push({
        method: 'POST',
        url: '/api/collections/bench/records',
        body: { title: `Row ${i}`, category: `c${i % 100}`, score: (i * 7919) % 1000 },
      });
    }
    const results = await api(url, '/api/batch', { method: 'POST', token, body: { requests } });
    firstId ??= results[0].body.id;
  }
  // An account for the identity scenarios (bcrypt at the password field's default cost).
  await api(url, '/api/collections/users/records', {
    method: 'POST',
    token,
    body: { email: USER.email, password: USER.password, passwordConfirm: USER.password },
  });
  const session = await api(url, '/api/collections/users/auth-with-password', {
    method: 'POST',
    body: { identity: USER.email, password: USER.password },
  });
  return { collectionId: collection.id, id: firstId, userToken: session.token };
}

/**
 * Requests/s of one load run, and the server's CPU time per request: the second is what the
 * server itself spends, so it stays meaningful when the load generator shares the machine.
 */
function measure(url, scenario, pid) {
  const before = cpuMicros(pid);
  const { rps, total } = autocannon(url, scenario);
  const after = cpuMicros(pid);
  return { rps, cpu: before === null || after === null || total === 0 ? null : (after - before) / total };
}

function autocannon(url, { method = 'GET', body, headers = {} } = {}) {
  const args = [join(root, 'node_modules/autocannon/autocannon.js'), '-j', '-c', opts.connections, '-d', opts.duration];
  if (method !== 'GET') args.push('-m', method, '-H', 'content-type=application/json', '-b', body);
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}=${value}`);
  args.push(url);
  const out = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const result = JSON.parse(out.stdout);
  const bad = result.errors + result.non2xx;
  if (bad > 0) throw new Error(`${method} ${url}: ${bad} failed requests`);
  return { rps: result.requests.average, total: result.requests.total };
}

/** `subject` and `reference` (each a server's url and pid, and a request) measured in alternation. */
function compare(title, { subject, reference, label }) {
  const p = [];
  const r = [];
  for (let i = 0; i < RUNS; i++) {
    p.push(measure(subject.server.url + subject.request.path, subject.request, subject.server.pid));
    r.push(measure(reference.server.url + reference.request.path, reference.request, reference.server.pid));
  }
  console.error(`${title}: plinth ${p.map((x) => Math.round(x.rps)).join('/')} ${label} ${r.map((x) => Math.round(x.rps)).join('/')} req/s`);
  return { plinth: medianOf(p), baseline: medianOf(r), reference: label };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Medians of requests/s and of CPU µs per request, taken separately. */
const medianOf = (runs) => {
  const cpus = runs.map((r) => r.cpu).filter((c) => c !== null);
  return { rps: median(runs.map((r) => r.rps)), cpu: cpus.length ? median(cpus) : null };
};

async function benchEngine(engine) {
  const dir = mkdtempSync(join(tmpdir(), 'plinth-bench-'));
  let dbUrl = null;
  let schema = null;
  const admin = engine === 'postgres' ? new pg.Client({ connectionString: PG_URL }) : null;
  if (admin) {
    await admin.connect();
    schema = `bench_${process.pid}`;
    dbUrl = await freshSchema(admin, schema);
  }
  const { child: plinth, url: plinthUrl } = await startPlinth({ dir, dbUrl, cwd: dir });
  const { collectionId, id, userToken } = await seed(plinthUrl);
  const wanted = new Set(opts.scenarios.split(','));
  const wantsFiles = ['download', 'thumbs'].some((n) => wanted.has(n));
  const filesCollectionId = wantsFiles ? await seedFileScenarios(plinthUrl, { api, superuser: ADMIN, dir, pgClient: admin, schema }) : '';
  const basePort = await freePort();
  const baseline = startProcess(
    [join(root, 'bench/baseline-server.mjs'), String(basePort), engine, engine === 'sqlite' ? join(dir, 'data.db') : dbUrl],
    { BENCH_COLLECTION_ID: collectionId, BENCH_FILES_ROOT: join(dir, 'storage', filesCollectionId) },
  );
  const bare = { url: `http://127.0.0.1:${basePort}`, pid: baseline.pid };
  await waitReady(bare.url);

  const scenarios = {
    view: { path: `/api/collections/bench/records/${id}` },
    list: { path: `/api/collections/bench/records?filter=${encodeURIComponent("category = 'c7'")}&sort=-score&perPage=30` },
    create: { path: '/api/collections/bench/records', method: 'POST', body: JSON.stringify({ title: 'new', category: 'c200', score: 5 }) },
    // 1 MiB per request: MB/s = req/s × 1.05.
    download: { path: downloadPath() },
  };
  // Identity scenarios have no bare baseline: auth-refresh is compared with Plinth's own
  // view-one-record (it should cost about a read), login is reported as is (bcrypt-bound).
  const identity = {
    refresh: { path: '/api/collections/users/auth-refresh', method: 'POST', body: '{}', headers: { authorization: userToken } },
    login: {
      path: '/api/collections/users/auth-with-password',
      method: 'POST',
      body: JSON.stringify({ identity: USER.email, password: USER.password }),
    },
  };
  const rows = [];
  // The hook scenarios' own process (bench/hooks.mjs): the same data, plus a hook file.
  const hooksRoot = HOOK_SCENARIO_NAMES.some((n) => wanted.has(n)) ? mkdtempSync(join(tmpdir(), 'plinth-bench-hooks-')) : null;
  const hooksSchema = hooksRoot && admin ? `${schema}_hooks` : null;
  let hooked = null;
  try {
    if (hooksRoot) {
      const hooksDbUrl = hooksSchema ? await freshSchema(admin, hooksSchema) : null;
      const hooksArgs = ['--hooks-dir', writeHookFiles(hooksRoot)];
      hooked = await startPlinth({ dir: join(hooksRoot, 'data'), dbUrl: hooksDbUrl, cwd: hooksRoot }, hooksArgs);
      await seed(hooked.url);
    }
    for (const [name, s] of Object.entries(identity).filter(([n]) => wanted.has(n))) {
      const p = [];
      const v = [];
      for (let i = 0; i < RUNS; i++) {
        p.push(measure(plinthUrl + s.path, s, plinth.pid));
        if (name === 'refresh') v.push(measure(plinthUrl + scenarios.view.path, scenarios.view, plinth.pid));
      }
      const pm = medianOf(p);
      const vm = v.length ? medianOf(v) : null;
      const reference = name === 'refresh' ? 'Plinth view' : `bcrypt cost ${BCRYPT_COST}`;
      rows.push({ engine, name, plinth: pm, baseline: vm, reference });
      console.error(`${engine} ${name}: plinth ${p.map((r) => Math.round(r.rps)).join('/')}${v.length ? ` view ${v.map((r) => Math.round(r.rps)).join('/')}` : ''} req/s`);
    }
    const plain = { url: plinthUrl, pid: plinth.pid };
    const pairs = Object.fromEntries(
      Object.entries(scenarios).map(([n, s]) => [n, { subject: { server: plain, request: s }, reference: { server: bare, request: s }, label: 'bare baseline' }]),
    );
    if (hooked) Object.assign(pairs, hookScenarios({ plain, hooked: { url: hooked.url, pid: hooked.child.pid }, create: scenarios.create }));
    for (const [name, pair] of Object.entries(pairs).filter(([n]) => wanted.has(n))) rows.push({ engine, name, ...compare(`${engine} ${name}`, pair) });
    if (JOB_SCENARIO_NAMES.some((n) => wanted.has(n))) {
      const helpers = { startPlinth, freshSchema, api, measure, medianOf, superuser: ADMIN };
      const { compared, throughput } = await jobScenarios({ engine, wanted, runs: RUNS, admin, schema }, helpers);
      rows.push(...compared);
      jobRows.push(...throughput);
    }
    if (wanted.has('thumbs')) {
      const thumbs = await measureThumbs(plinthUrl);
      thumbRows.push({ engine, ...thumbs });
      console.error(`${engine} thumbs: first ${thumbs.firstMs.toFixed(1)} ms, stored ${thumbs.cachedMs.toFixed(1)} ms`);
    }
  } finally {
    plinth.kill('SIGTERM');
    baseline.kill('SIGTERM');
    hooked?.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dir, { recursive: true, force: true });
    if (hooksRoot) rmSync(hooksRoot, { recursive: true, force: true });
    if (admin) {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      if (hooksSchema) await admin.query(`DROP SCHEMA IF EXISTS ${hooksSchema} CASCADE`);
      await admin.end();
    }
  }
  return rows;
}

const all = [];
const thumbRows = [];
const jobRows = [];
for (const engine of opts.engines.split(',')) all.push(...(await benchEngine(engine)));
console.log(`\n| engine | scenario | Plinth req/s | compared with | its req/s | ratio | Plinth CPU µs/req | its CPU µs/req | CPU ratio |`);
console.log(`|---|---|---:|---|---:|---:|---:|---:|---:|`);
const fmt = (v, digits = 0) => (v === null || v === undefined ? '' : v.toFixed(digits));
for (const r of all) {
  const ratio = r.baseline ? `${((r.plinth.rps / r.baseline.rps) * 100).toFixed(0)}%` : '';
  // CPU ratio: the reference's CPU per request over Plinth's (100% = Plinth spends no more).
  const cpuRatio = r.baseline?.cpu && r.plinth.cpu ? `${((r.baseline.cpu / r.plinth.cpu) * 100).toFixed(0)}%` : '';
  console.log(
    `| ${r.engine} | ${r.name} | ${Math.round(r.plinth.rps)} | ${r.reference} | ${r.baseline ? Math.round(r.baseline.rps) : ''} | ${ratio} | ${fmt(r.plinth.cpu)} | ${fmt(r.baseline?.cpu)} | ${cpuRatio} |`,
  );
}
console.log(`\n(medians of ${RUNS} runs of ${opts.duration}s, ${opts.connections} connections, ${ROWS} rows)`);
if (thumbRows.length) {
  console.log(`\n| engine | thumbnail 100x100 of a 2000×1500 JPEG | first request (generates) ms | later request (stored) ms |`);
  console.log(`|---|---|---:|---:|`);
  for (const r of thumbRows) console.log(`| ${r.engine} | median of ${r.count} images | ${r.firstMs.toFixed(1)} | ${r.cachedMs.toFixed(1)} |`);
}
printJobRows(jobRows);
