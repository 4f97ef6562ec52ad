// `npm run bench:realtime`: one Plinth node on SQLite holding N server-sent event clients
// (default 10,000) subscribed to one collection, split over the users, with an owner-only
// list rule. Two child processes: the server (bench/realtime-server.mjs, the app from dist)
// and the load (bench/realtime-clients.mjs: the streams and the writers, on one clock).
// Measures memory per idle connection, then for each fan-out mode (`grouped`, and the naive
// `per-client`: one rule query per subscriber) the latency of 100 single writes until the
// last entitled client has the event, rule queries per event, and a sustained write phase.
//   options: --clients N (10000)  --users U (100)  --writes W (100)  --naive-writes W (100)
//            --duration S (5, sustained phase)  --writers C (10)  --modes grouped,per-client
//            --connect-concurrency C (200)
//            --profile DIR (writes a CPU profile of the server process to DIR; see bench/profile-summary.mjs)
import { fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const { values: opts } = parseArgs({
  options: {
    clients: { type: 'string', default: '10000' },
    users: { type: 'string', default: '100' },
    writes: { type: 'string', default: '100' },
    'naive-writes': { type: 'string', default: '100' },
    duration: { type: 'string', default: '5' },
    writers: { type: 'string', default: '10' },
    modes: { type: 'string', default: 'grouped,per-client' },
    'connect-concurrency': { type: 'string', default: '200' },
    profile: { type: 'string' },
  },
});
const CLIENTS = Number(opts.clients);
const USERS = Number(opts.users);
const MODES = opts.modes.split(',');
// Sockets besides the streams: the database, keep-alive request sockets, stdio, IPC.
const FD_MARGIN = 256;

function fail(message) {
  console.error(`bench:realtime: ${message}`);
  process.exit(1);
}

function checkMachine() {
  if (!Number.isInteger(CLIENTS / USERS) || CLIENTS <= 0) fail(`--clients (${CLIENTS}) must be a positive multiple of --users (${USERS})`);
  if (!existsSync(resolve(root, 'dist/app/index.js'))) fail('no build in dist/: run `npm run build` first');
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const soft = /^Max open files\s+(\S+)/m.exec(limits)?.[1];
  const need = CLIENTS + FD_MARGIN;
  // Children inherit this limit; the server and the load each hold one socket per client.
  if (soft !== undefined && soft !== 'unlimited' && Number(soft) < need) {
    fail(`open-file limit (ulimit -n) is ${soft}; ${CLIENTS} clients need at least ${need} in each process. Raise it (ulimit -n ${need}) or pass --clients ${Math.floor((Number(soft) - FD_MARGIN) / USERS) * USERS}.`);
  }
  const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  if (high - low < need) fail(`only ${high - low} local ports (net.ipv4.ip_local_port_range); ${CLIENTS} clients need ${need}.`);
}

/** A child process answering {id, cmd, args} messages; every call has a deadline. */
function startChild(script, args, { name, execArgv = [] }) {
  const child = fork(resolve(root, 'bench', script), args, { execArgv: ['--expose-gc', ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map();
  let seq = 0;
  let onReady = null;
  const ready = new Promise((res, rej) => (onReady = { res, rej }));
  child.on('message', (m) => {
    if (m.type === 'ready') return onReady.res(m);
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    clearTimeout(w.timer);
    if (m.error) w.reject(new Error(`${name} '${w.cmd}': ${m.error}`));
    else w.resolve(m.result);
  });
  child.on('exit', (code, signal) => {
    const why = new Error(`${name} process exited (${signal ?? `code ${code}`})`);
    onReady.rej(why);
    for (const w of waiting.values()) w.reject(new Error(`${why.message} during '${w.cmd}'`));
    waiting.clear();
  });
  return {
    child,
    ready,
    call(cmd, callArgs, timeoutMs) {
      const id = ++seq;
      return new Promise((res, rej) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          rej(new Error(`${name} did not answer '${cmd}' within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        waiting.set(id, { resolve: res, reject: rej, cmd, timer });
        child.send({ id, cmd, args: callArgs });
      });
    },
  };
}

function within(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, rej) => (timer = setTimeout(() => rej(new Error(message)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const children = [];
function stopChildren() {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
}
process.on('exit', stopChildren);
process.on('SIGINT', () => {
  stopChildren();
  process.exit(130);
});

/** Nearest-rank percentile. */
const pct = (xs, p) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
};
const cpuMs = (a, b) => (b.user + b.system - a.user - a.system) / 1000;
const delta = (a, b) => ({
  events: b.events - a.events,
  queries: b.checkQueries - a.checkQueries,
  groups: b.checkGroups - a.checkGroups,
  deliveries: b.deliveries - a.deliveries,
  cpuMs: cpuMs(a.cpu, b.cpu),
});

/** Server counters around a phase; the server must have handed every event to the sockets. */
async function phase(server, load, run) {
  const before = await server.call('stats', {}, 10_000);
  const loadBefore = await load.call('counters', {}, 10_000);
  const result = await run();
  await server.call('idle', {}, 120_000);
  const after = await server.call('stats', {}, 10_000);
  const loadAfter = await load.call('counters', {}, 10_000);
  const d = delta(before, after);
  return {
    result,
    ...d,
    loadCpuMs: cpuMs(loadBefore.cpu, loadAfter.cpu),
    received: loadAfter.recordEvents - loadBefore.recordEvents,
    leaks: loadAfter.leaks - loadBefore.leaks,
  };
}

async function benchMode(server, load, mode, perUser) {
  await server.call('mode', { mode }, 10_000);
  const writes = Number(mode === 'grouped' ? opts.writes : opts['naive-writes']);
  console.error(`${mode}: ${writes} single writes…`);
  const single = await phase(server, load, () => load.call('sequential', { count: writes, timeoutMs: 60_000 }, writes * 60_000 + 10_000));
  const durationMs = Number(opts.duration) * 1000;
  console.error(`${mode}: sustained writes for ${opts.duration} s with ${opts.writers} writers…`);
  const sustained = await phase(server, load, () =>
    load.call('sustained', { durationMs, writers: Number(opts.writers), drainTimeoutMs: 300_000 }, durationMs + 330_000),
  );
  const expectedSingle = single.result.length * perUser;
  const expectedSustained = sustained.result.writes * perUser;
  return { mode, single, sustained, expectedSingle, expectedSustained };
}

const f = (v, digits = 1) => (v === undefined || v === null || Number.isNaN(v) ? '' : v.toFixed(digits));

function report({ memory, connect, results, loadRss }) {
  const per = (bytes) => `${f(bytes / CLIENTS / 1024)} KiB`;
  console.log(`\n### Realtime: ${CLIENTS} SSE clients, ${USERS} users, owner-only list rule, SQLite, one node\n`);
  console.log('| memory (server) | before connecting | with all clients subscribed | per idle connection |');
  console.log('|---|---:|---:|---:|');
  for (const key of ['rss', 'heapUsed', 'external']) {
    const a = memory.before[key];
    const b = memory.after[key];
    console.log(`| ${key} | ${f(a / 2 ** 20)} MiB | ${f(b / 2 ** 20)} MiB | ${per(b - a)} |`);
  }
  console.log(`\nConnecting and subscribing ${CLIENTS} clients took ${f(connect.ms / 1000)} s; the load process's RSS was ${f(loadRss / 2 ** 20)} MiB.`);
  console.log(`\n| measure | ${results.map((r) => r.mode).join(' | ')} |`);
  console.log(`|---|${results.map(() => '---:').join('|')}|`);
  const row = (label, fn) => console.log(`| ${label} | ${results.map(fn).join(' | ')} |`);
  row('single writes (one at a time)', (r) => String(r.single.result.length));
  row('write response → last entitled client, median ms', (r) => f(pct(r.single.result.map((x) => x.afterResponse), 50), 2));
  row('write response → last entitled client, p99 ms', (r) => f(pct(r.single.result.map((x) => x.afterResponse), 99), 2));
  row('write sent → last entitled client, median ms', (r) => f(pct(r.single.result.map((x) => x.afterSend), 50), 2));
  row('write sent → last entitled client, p99 ms', (r) => f(pct(r.single.result.map((x) => x.afterSend), 99), 2));
  row('write response time, median ms', (r) => f(pct(r.single.result.map((x) => x.writeMs), 50), 2));
  row('rule-check queries per event', (r) => f(r.single.queries / r.single.events, 2));
  row('check groups per event', (r) => f(r.single.groups / r.single.events, 1));
  row('server CPU per event, ms', (r) => f(r.single.cpuMs / r.single.events, 2));
  row('deliveries: server sent / entitled', (r) => `${r.single.deliveries} / ${r.expectedSingle}`);
  row('events received by clients / to others', (r) => `${r.single.received} / ${r.single.leaks}`);
  row('sustained: writes (10 writers)'.replace('10', opts.writers), (r) => `${r.sustained.result.writes} in ${f(r.sustained.result.seconds, 2)} s`);
  row('sustained: writes/s', (r) => f(r.sustained.result.writes / r.sustained.result.seconds, 0));
  row('sustained: write response time, median / p99 ms', (r) => `${f(pct(r.sustained.result.writeMs, 50))} / ${f(pct(r.sustained.result.writeMs, 99))}`);
  row('sustained: delivery lag after response, median ms', (r) => f(pct(r.sustained.result.lags, 50)));
  row('sustained: delivery lag after response, p99 ms', (r) => f(pct(r.sustained.result.lags, 99)));
  row('sustained: last delivery after last write, ms', (r) => f(r.sustained.result.drainMs));
  row('sustained: events delivered/s', (r) => f(r.sustained.deliveries / r.sustained.result.seconds, 0));
  row('sustained: rule-check queries per event', (r) => f(r.sustained.queries / r.sustained.events, 2));
  row('sustained: server CPU per event, ms', (r) => f(r.sustained.cpuMs / r.sustained.events, 2));
  // Both processes share the machine: this shows which side was saturated.
  row('sustained: CPU of server / load process, % of one core', (r) => {
    const wallMs = r.sustained.result.seconds * 1000 + r.sustained.result.drainMs;
    return `${f((r.sustained.cpuMs / wallMs) * 100, 0)}% / ${f((r.sustained.loadCpuMs / wallMs) * 100, 0)}%`;
  });
  row('sustained: deliveries server sent / entitled', (r) => `${r.sustained.deliveries} / ${r.expectedSustained}`);
  row('sustained: events received / to others', (r) => `${r.sustained.received} / ${r.sustained.leaks}`);
  const gc = memory.after.collected ? 'after two forced collections' : 'without forced collection';
  console.log(`\n(memory ${gc}; latencies read by the load process, which also writes; "response → last client" is negative when every client had the event before the write's response arrived)`);
}

async function main() {
  checkMachine();
  console.error(`starting the server (seeding ${USERS} users)…`);
  const profile = opts.profile ? ['--cpu-prof', '--cpu-prof-dir', resolve(opts.profile)] : [];
  const server = startChild('realtime-server.mjs', ['--users', String(USERS)], { name: 'server', execArgv: profile });
  const load = startChild('realtime-clients.mjs', [], { name: 'load' });
  children.push(server.child, load.child);
  const { url, users } = await within(server.ready, 300_000, 'the server did not start and seed within 300 s');
  await load.call('login', { url, users }, 120_000);
  const before = await server.call('memory', {}, 30_000);
  console.error(`connecting ${CLIENTS} clients…`);
  const connect = await load.call('connect', { count: CLIENTS, concurrency: Number(opts['connect-concurrency']) }, 600_000);
  const stats = await server.call('stats', {}, 10_000);
  if (stats.subscribers !== CLIENTS) throw new Error(`the server holds ${stats.subscribers} subscribed clients, expected ${CLIENTS}`);
  const after = await server.call('memory', {}, 30_000);
  const results = [];
  for (const mode of MODES) results.push(await benchMode(server, load, mode, CLIENTS / USERS));
  const { rss: loadRss, drops } = await load.call('counters', {}, 10_000);
  if (drops > 0) console.error(`warning: ${drops} streams were closed by the server during the run`);
  report({ memory: { before, after }, connect, results, loadRss });
  for (const r of results) {
    const bad = [r.single, r.sustained].some((p) => p.leaks > 0) || r.single.deliveries !== r.expectedSingle || r.sustained.deliveries !== r.expectedSustained;
    if (bad) throw new Error(`${r.mode}: deliveries differ from the entitled clients (see the table)`);
  }
}

main().then(
  () => {
    stopChildren();
    process.exit(0);
  },
  (err) => {
    console.error(`bench:realtime failed: ${err.message}`);
    stopChildren();
    process.exit(1);
  },
);
