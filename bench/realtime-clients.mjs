// The load half of `npm run bench:realtime` (bench/realtime.mjs starts it): N server-sent
// event streams over plain node:http (a fetch stream costs far more per connection), each
// subscribed to `messages/*` as one of the users, and the writers. This one process both
// writes and receives, so every latency is read on one clock (performance.now()).
// IPC in: {id, cmd, args}; out: {id, result} or {id, error}.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

if (!process.send) {
  console.error('bench/realtime-clients.mjs is started by bench/realtime.mjs (it needs an IPC channel)');
  process.exit(2);
}

// Streams: a fresh socket each and no pooling limit. Short requests (logins, subscriptions,
// writes) reuse a few keep-alive sockets instead: one socket per request would leave
// thousands in TIME_WAIT and could exhaust the local ports the 10,000 streams need.
const streamAgent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const requestAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const REQUEST_TIMEOUT_MS = 30_000;

const state = {
  url: '',
  users: [],
  tokens: [],
  streams: [],
  /** Live subscribed streams per user index: how many clients each write must reach. */
  perUser: [],
  /** record id → arrivals of its event; filled by arrivals and by write responses, in either order. */
  records: new Map(),
  cursor: 0,
  recordEvents: 0,
  leaks: 0,
  otherEvents: 0,
  drops: 0,
  closing: false,
};

function request(path, { method = 'POST', body, token } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = token;
    const req = http.request(state.url + path, { method, agent: requestAgent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        const at = performance.now();
        if (res.statusCode >= 300) reject(new Error(`${method} ${path} answered ${res.statusCode} ${text}`));
        else resolve({ body: text ? JSON.parse(text) : null, at });
      });
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`${method} ${path}: no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

async function pool(n, width, task) {
  let next = 0;
  const worker = async () => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, worker));
}

function recordEntry(id) {
  let entry = state.records.get(id);
  if (!entry) {
    entry = { received: 0, last: 0, expected: null, resolve: null };
    state.records.set(id, entry);
  }
  return entry;
}

function onEvent(stream, block) {
  let name = '';
  let data = '';
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    const field = line.slice(0, colon);
    const value = line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
    if (field === 'event') name = value;
    else if (field === 'data') data = data === '' ? value : `${data}\n${value}`;
  }
  if (name === 'PB_CONNECT') {
    stream.connected(JSON.parse(data).clientId);
    return;
  }
  if (name !== 'messages/*') {
    state.otherEvents++;
    return;
  }
  const now = performance.now();
  state.recordEvents++;
  const { record } = JSON.parse(data);
  // The rule is owner-only: an event about someone else's message is a leak.
  if (record.owner !== stream.userId) {
    state.leaks++;
    return;
  }
  const entry = recordEntry(record.id);
  entry.received++;
  entry.last = now;
  if (entry.resolve && entry.received >= entry.expected) entry.resolve();
}

/** Opens one stream as user k and subscribes it; resolves once the subscription is in place. */
function openStream(k) {
  return new Promise((resolve, reject) => {
    const stream = { user: k, userId: state.users[k].id, clientId: null, buffer: '', req: null, live: false };
    const timer = setTimeout(() => {
      stream.req.destroy();
      reject(new Error(`no PB_CONNECT within ${REQUEST_TIMEOUT_MS / 1000} s`));
    }, REQUEST_TIMEOUT_MS);
    stream.connected = (clientId) => {
      clearTimeout(timer);
      stream.clientId = clientId;
      request('/api/realtime', { body: { clientId, subscriptions: ['messages/*'] }, token: state.tokens[k] }).then(() => {
        stream.live = true;
        state.perUser[k]++;
        resolve(stream);
      }, reject);
    };
    stream.req = http.get(state.url + '/api/realtime', { agent: streamAgent, headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        clearTimeout(timer);
        reject(new Error(`GET /api/realtime answered ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        stream.buffer += chunk;
        let end;
        while ((end = stream.buffer.indexOf('\n\n')) !== -1) {
          const block = stream.buffer.slice(0, end);
          stream.buffer = stream.buffer.slice(end + 2);
          onEvent(stream, block);
        }
      });
      res.on('close', () => {
        if (stream.clientId === null) {
          clearTimeout(timer);
          reject(new Error('the stream closed before PB_CONNECT'));
        }
        if (stream.live && !state.closing) {
          state.drops++;
          state.perUser[k]--;
        }
        stream.live = false;
      });
    });
    stream.req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    state.streams.push(stream);
  });
}

function nextUser() {
  const k = state.cursor;
  state.cursor = (state.cursor + 1) % state.users.length;
  return k;
}

/** Creates a message owned by user k (as user k); resolves with its id and the response time. */
async function write(k) {
  const sentAt = performance.now();
  const { body, at } = await request('/api/collections/messages/records', {
    body: { owner: state.users[k].id, text: `hello ${k}` },
    token: state.tokens[k],
  });
  return { id: body.id, user: k, sentAt, respondedAt: at };
}

/** Resolves once every live client of the write's owner has its event. */
function delivered(w) {
  const entry = recordEntry(w.id);
  entry.expected = state.perUser[w.user];
  if (entry.received >= entry.expected) return Promise.resolve(entry);
  return new Promise((resolve) => (entry.resolve = () => resolve(entry)));
}

function within(promise, ms, describe) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(describe())), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function pending(writes) {
  const missing = writes.filter((w) => state.records.get(w.id).received < state.perUser[w.user]);
  const m = missing[0];
  return m
    ? `${missing.length} of ${writes.length} writes not delivered to every entitled client (e.g. ${m.id}: ${state.records.get(m.id).received}/${state.perUser[m.user]}; streams dropped: ${state.drops})`
    : 'all delivered';
}

const handlers = {
  async login({ url, users }) {
    state.url = url;
    state.users = users;
    state.perUser = users.map(() => 0);
    state.tokens = new Array(users.length);
    await pool(users.length, 8, async (k) => {
      const { body } = await request('/api/collections/users/auth-with-password', {
        body: { identity: users[k].email, password: users[k].password },
      });
      state.tokens[k] = body.token;
    });
    return users.length;
  },
  async connect({ count, concurrency }) {
    const started = performance.now();
    let failed = 0;
    let firstError = null;
    await pool(count, concurrency, async (i) => {
      try {
        await openStream(i % state.users.length);
      } catch (err) {
        failed++;
        firstError ??= err;
      }
    });
    if (failed > 0) throw new Error(`${failed} of ${count} streams could not connect and subscribe; first error: ${firstError.message}`);
    return { connected: count, ms: performance.now() - started, rss: process.memoryUsage().rss };
  },
  async sequential({ count, timeoutMs }) {
    state.records.clear();
    const out = [];
    for (let i = 0; i < count; i++) {
      const w = await write(nextUser());
      const entry = await within(delivered(w), timeoutMs, () => `write ${i + 1}/${count}: ${pending([w])} after ${timeoutMs / 1000} s`);
      out.push({ afterResponse: entry.last - w.respondedAt, afterSend: entry.last - w.sentAt, writeMs: w.respondedAt - w.sentAt });
    }
    return out;
  },
  async sustained({ durationMs, writers, drainTimeoutMs }) {
    state.records.clear();
    const writes = [];
    const started = performance.now();
    const deadline = started + durationMs;
    let lastResponse = started;
    await pool(writers, writers, async () => {
      while (performance.now() < deadline) {
        const w = await write(nextUser());
        lastResponse = Math.max(lastResponse, w.respondedAt);
        writes.push(w);
      }
    });
    const entries = await within(Promise.all(writes.map(delivered)), drainTimeoutMs, () => `${pending(writes)} ${drainTimeoutMs / 1000} s after the writes ended`);
    const lastArrival = entries.reduce((max, e) => Math.max(max, e.last), lastResponse);
    return {
      writes: writes.length,
      seconds: (lastResponse - started) / 1000,
      lags: entries.map((e, i) => e.last - writes[i].respondedAt),
      writeMs: writes.map((w) => w.respondedAt - w.sentAt),
      drainMs: lastArrival - lastResponse,
    };
  },
  counters() {
    return {
      recordEvents: state.recordEvents,
      leaks: state.leaks,
      otherEvents: state.otherEvents,
      drops: state.drops,
      live: state.perUser.reduce((a, b) => a + b, 0),
      rss: process.memoryUsage().rss,
      cpu: process.cpuUsage(),
    };
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

function closeAll() {
  state.closing = true;
  for (const stream of state.streams) stream.req?.destroy();
}
process.on('disconnect', () => {
  closeAll();
  process.exit(0);
});
process.on('SIGTERM', () => {
  closeAll();
  process.exit(0);
});
