// The server half of `npm run bench:realtime` (bench/realtime.mjs starts it): one Plinth node
// on SQLite in a temporary directory, opened from dist inside this process so the
// orchestrator can read the fan-out counters, switch the fan-out mode and sample memory over
// IPC. It seeds the users and a `messages` collection that only its owner may list or view.
//   argv: --users N (default 100)
// IPC in: {id, cmd, args}; out: {id, result} or {id, error}; first {type: 'ready', url, users}.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { openApp } from '../dist/app/index.js';
import { loadConfig } from '../dist/config/index.js';

const { values: opts } = parseArgs({ options: { users: { type: 'string', default: '100' } } });
const USERS = Number(opts.users);
const ADMIN = { email: 'rt-bench@example.com', password: 'rt-bench-password-1' };
const OWNER_ONLY = 'owner = @request.auth.id';

if (!process.send) {
  console.error('bench/realtime-server.mjs is started by bench/realtime.mjs (it needs an IPC channel)');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'plinth-rtbench-'));
const app = await openApp(loadConfig({ dir, http: '127.0.0.1:0' }, { env: {} }), { logger: pino({ level: 'warn' }) });
const url = await app.listen();

async function api(path, { method = 'GET', body, token } = {}) {
  const res = await fetch(url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`seeding: ${method} ${path} answered ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Runs `task(i)` for i in [0, n) with at most `width` running at once (bcrypt is the bottleneck). */
async function pool(n, width, task) {
  const out = new Array(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      out[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, worker));
  return out;
}

async function seed() {
  await app.core.superusers.upsert(ADMIN.email, ADMIN.password);
  const { token } = await api('/api/collections/_superusers/auth-with-password', {
    method: 'POST',
    body: { identity: ADMIN.email, password: ADMIN.password },
  });
  const usersCollection = await api('/api/collections/users', { token });
  await api('/api/collections', {
    method: 'POST',
    token,
    body: {
      name: 'messages',
      type: 'base',
      listRule: OWNER_ONLY,
      viewRule: OWNER_ONLY,
      createRule: OWNER_ONLY,
      fields: [
        { name: 'owner', type: 'relation', collectionId: usersCollection.id, maxSelect: 1, required: true },
        { name: 'text', type: 'text' },
      ],
    },
  });
  return pool(USERS, 8, async (i) => {
    const email = `rt-user-${i}@example.com`;
    const password = `rt-user-password-${i}`;
    const user = await api('/api/collections/users/records', {
      method: 'POST',
      token,
      body: { email, password, passwordConfirm: password },
    });
    return { id: user.id, email, password };
  });
}

function memory() {
  // Two collections: the first may only queue finalizers. Without --expose-gc the figures
  // include garbage, which the orchestrator reports.
  if (globalThis.gc) {
    globalThis.gc();
    globalThis.gc();
  }
  return { ...process.memoryUsage(), collected: Boolean(globalThis.gc) };
}

const fanout = app.core.realtimeFanout;
const handlers = {
  memory,
  stats: () => ({
    ...fanout.stats(),
    clients: app.core.realtime.size,
    subscribers: app.core.realtime.subscribers().length,
    cpu: process.cpuUsage(),
  }),
  mode: ({ mode }) => {
    if (mode !== 'grouped' && mode !== 'per-client') throw new Error(`unknown fan-out mode ${mode}`);
    fanout.mode = mode;
    return fanout.mode;
  },
  idle: async () => {
    await fanout.idle();
    return true;
  },
};

process.on('message', async ({ id, cmd, args }) => {
  try {
    const handler = handlers[cmd];
    if (!handler) throw new Error(`unknown command ${cmd}`);
    process.send({ id, result: await handler(args ?? {}) });
  } catch (err) {
    process.send({ id, error: err instanceof Error ? err.message : String(err) });
  }
});

let closing = false;
async function shutdown(code) {
  if (closing) return;
  closing = true;
  // Closing 10,000 streams and the database takes a moment; never hang the benchmark on it.
  setTimeout(() => process.exit(code), 10_000).unref();
  try {
    await app.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    process.exit(code);
  }
}
// The orchestrator went away (finished, crashed or interrupted): nothing is left to serve.
process.on('disconnect', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(130));

try {
  const users = await seed();
  process.send({ type: 'ready', url, users });
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  await shutdown(1);
}
