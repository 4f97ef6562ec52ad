// Starts the real CLI (`plinth serve`) on a free port for end-to-end tests and stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface RunningServer {
  url: string;
  dir: string;
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

export function tempDir(prefix = 'plinth-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Copies a data directory (e.g. a PocketBase fixture) to a fresh temp dir. */
export function copyDir(source: string): string {
  const dir = tempDir('plinth-data-');
  cpSync(source, dir, { recursive: true });
  return dir;
}

export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ChildProcess {
  // tsx is resolved from here, so the CLI can run in any working directory.
  return spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src/cli-entry.ts'), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs a CLI command to completion and returns its exit code and output. */
export async function runCliToEnd(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = runCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
  return { code, stdout, stderr };
}

export async function startServer(options: { dir?: string; db?: string; extraArgs?: string[]; cwd?: string } = {}): Promise<RunningServer> {
  const dir = options.dir ?? tempDir();
  const port = await freePort();
  const args = ['serve', '--dir', dir, '--http', `127.0.0.1:${port}`, ...(options.extraArgs ?? [])];
  if (options.db) args.push('--db', options.db);
  const child = runCli(args, { cwd: options.cwd, env: { PLINTH_LOG_LEVEL: 'warn' } });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  await waitForHealth(url, exited, () => out);
  return {
    url,
    dir,
    child,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const code = await exited;
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

async function waitForHealth(url: string, exited: Promise<number | null>, output: () => string): Promise<void> {
  let done = false;
  void exited.then(() => (done = true));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (done) throw new Error(`server exited before it was ready:\n${output()}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server did not become ready:\n${output()}`);
}
