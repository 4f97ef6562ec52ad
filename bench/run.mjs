// `npm run bench`: Plinth against the bare baseline (bench/baseline-server.mjs) on the same
// 10,000-row table, SQLite and PostgreSQL, load from a separate autocannon process.
// Prints medians of several runs and the ratio Plinth / baseline for each scenario.
//   options: --runs N (default 3)  --duration S (default 5)  --connections C (default 50)
//            --engines sqlite,postgres  --scenarios view,list,create,refresh,login,download,thumbs
//            --profile DIR (writes a CPU profile of the Plinth process to DIR; see bench/profile-summary.mjs)
// Realtime (10,000 SSE clients, rule-checked fan-out): `npm run bench:realtime` (bench/realtime.mjs).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { downloadPath, measureThumbs, seedFileScenarios } from './files.mjs';

const root = resolve(import.meta.dirname, '..');
const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    engines: { type: 'string', default: 'sqlite,postgres' },
    rows: { type: 'string', default: '10000' },
    scenarios: { type: 'string', default: 'view,list,create,refresh,login,download,thumbs' },
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

async function freePort() {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

async function waitReady(url) {
  for (let i = 0; i < 400; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not start`);
}

function startProcess(args, env = {}) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  return child;
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

/** CPU time (user + system) a process has used so far, in µs; null where /proc is missing. */
function cpuMicros(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

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
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
    dbUrl = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  }
  const dbArgs = dbUrl ? ['--db', dbUrl] : [];
  const bin = join(root, 'bin/plinth.js');
  const made = spawnSync(process.execPath, [bin, 'superuser', 'upsert', ADMIN.email, ADMIN.password, '--dir', dir, ...dbArgs], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(made.stderr);
  const plinthPort = await freePort();
  const profileArgs = opts.profile ? ['--cpu-prof', '--cpu-prof-dir', resolve(opts.profile)] : [];
  const plinth = startProcess([...profileArgs, bin, 'serve', '--dir', dir, '--http', `127.0.0.1:${plinthPort}`, ...dbArgs], { PLINTH_LOG_LEVEL: 'error' });
  const plinthUrl = `http://127.0.0.1:${plinthPort}`;
  await waitReady(plinthUrl);
  const { collectionId, id, userToken } = await seed(plinthUrl);
  const wantsFiles = ['download', 'thumbs'].some((n) => opts.scenarios.split(',').includes(n));
  const filesCollectionId = wantsFiles ? await seedFileScenarios(plinthUrl, { api, superuser: ADMIN, dir, pgClient: admin, schema }) : '';
  const basePort = await freePort();
  const baseline = startProcess(
    [join(root, 'bench/baseline-server.mjs'), String(basePort), engine, engine === 'sqlite' ? join(dir, 'data.db') : dbUrl],
    { BENCH_COLLECTION_ID: collectionId, BENCH_FILES_ROOT: join(dir, 'storage', filesCollectionId) },
  );
  const baseUrl = `http://127.0.0.1:${basePort}`;
  await waitReady(baseUrl);

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
  try {
    const wantedIdentity = new Set(opts.scenarios.split(','));
    for (const [name, s] of Object.entries(identity).filter(([n]) => wantedIdentity.has(n))) {
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
    const wanted = new Set(opts.scenarios.split(','));
    for (const [name, s] of Object.entries(scenarios).filter(([n]) => wanted.has(n))) {
      const p = [];
      const b = [];
      for (let i = 0; i < RUNS; i++) {
        p.push(measure(plinthUrl + s.path, s, plinth.pid));
        b.push(measure(baseUrl + s.path, s, baseline.pid));
      }
      rows.push({ engine, name, plinth: medianOf(p), baseline: medianOf(b), reference: 'bare baseline' });
      console.error(`${engine} ${name}: plinth ${p.map((r) => Math.round(r.rps)).join('/')} baseline ${b.map((r) => Math.round(r.rps)).join('/')} req/s`);
    }
    if (wanted.has('thumbs')) {
      const thumbs = await measureThumbs(plinthUrl);
      thumbRows.push({ engine, ...thumbs });
      console.error(`${engine} thumbs: first ${thumbs.firstMs.toFixed(1)} ms, stored ${thumbs.cachedMs.toFixed(1)} ms`);
    }
  } finally {
    plinth.kill('SIGTERM');
    baseline.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dir, { recursive: true, force: true });
    if (admin) {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
  }
  return rows;
}

const all = [];
const thumbRows = [];
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
