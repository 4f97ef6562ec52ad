// `npm run bench:upload`: uploads through the records API on SQLite, 5 MiB and 100 MiB files,
// measuring MB/s and the Plinth process's memory while it receives them. Uploads stream to a
// temporary file and then to the store, so the server's memory must stay flat as files grow.
//   options: --runs N (uploads per size, default 5)  --sizes 5,100 (MiB)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const { values: opts } = parseArgs({ options: { runs: { type: 'string', default: '5' }, sizes: { type: 'string', default: '5,100' } } });
const RUNS = Number(opts.runs);
const SIZES_MIB = opts.sizes.split(',').map(Number);
const ADMIN = { email: 'bench@example.com', password: 'bench-password-1' };
const MIB = 1024 * 1024;

const freePort = () =>
  new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });

/** Resident memory of a process in MiB, from /proc. */
function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

async function api(url, path, { method = 'GET', body, token } = {}) {
  const headers = { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) };
  const res = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
const dir = mkdtempSync(join(tmpdir(), 'plinth-upload-bench-'));
const bin = join(root, 'bin/plinth.js');
spawnSync(process.execPath, [bin, 'superuser', 'upsert', ADMIN.email, ADMIN.password, '--dir', dir], { encoding: 'utf8' });
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const child = spawn(process.execPath, [bin, 'serve', '--dir', dir, '--http', `127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'inherit'] });
const stop = () => {
  child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
};
process.on('SIGINT', () => {
  stop();
  process.exit(130);
});

try {
  for (let i = 0; i < 200; i++) {
    if (await fetch(`${url}/api/health`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const { token } = await api(url, '/api/collections/_superusers/auth-with-password', { method: 'POST', body: { identity: ADMIN.email, password: ADMIN.password } });
  const maxSize = Math.max(...SIZES_MIB) * MIB + 1;
  await api(url, '/api/collections', {
    method: 'POST',
    token,
    body: { name: 'uploads', type: 'base', createRule: '', fields: [{ name: 'doc', type: 'file', maxSelect: 1, maxSize }] },
  });
  const rows = [];
  for (const mib of SIZES_MIB) {
    const payload = new Blob([Buffer.alloc(mib * MIB, 7)], { type: 'application/octet-stream' });
    const rates = [];
    let peak = 0;
    const baseline = rssMiB(child.pid);
    for (let run = 0; run < RUNS; run++) {
      const form = new FormData();
      form.append('doc', payload, `payload_${mib}.bin`);
      const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(child.pid))), 10);
      const started = performance.now();
      const res = await fetch(`${url}/api/collections/uploads/records`, { method: 'POST', headers: { authorization: token }, body: form });
      const ms = performance.now() - started;
      clearInterval(sampler);
      if (!res.ok) throw new Error(`upload ${mib} MiB: ${res.status} ${await res.text()}`);
      rates.push(mib / (ms / 1000));
      console.error(`${mib} MiB: ${(mib / (ms / 1000)).toFixed(1)} MB/s`);
    }
    rates.sort((a, b) => a - b);
    rows.push({ mib, rate: rates[Math.floor(rates.length / 2)], baseline, peak });
  }
  console.log('\n| file size | uploads | median MB/s | server RSS before | server RSS peak during uploads | growth |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.mib} MiB | ${RUNS} | ${r.rate.toFixed(1)} | ${r.baseline.toFixed(1)} MiB | ${r.peak.toFixed(1)} MiB | ${(r.peak - r.baseline).toFixed(1)} MiB |`);
  }
} finally {
  stop();
}
