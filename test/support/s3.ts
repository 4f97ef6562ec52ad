// A real S3 protocol server for tests: s3rver on a free local port, in a child process (see
// s3rver-process.mjs), keeping its objects in a temp directory, with one bucket ready.
// s3rver knows one access key (S3RVER) and refuses others; it does not check signatures.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { S3Settings } from '../../src/core/settings.js';
import { tempDir } from './server.js';

export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** Settings that reach this server (enabled, path-style). */
  settings(overrides?: Partial<S3Settings>): S3Settings;
  stop(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./s3rver-process.mjs', import.meta.url));
const ACCESS_KEY = 'S3RVER';
const SECRET = 'S3RVER';
const START_TIMEOUT_MS = 15_000;

export async function startTestS3(bucket = 'plinth-test'): Promise<TestS3> {
  const directory = tempDir('plinth-s3-');
  const child = fork(SCRIPT, [directory, bucket], { execArgv: ['--openssl-legacy-provider'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const exited = once(child, 'exit');
  const started = (async () => {
    const [message] = (await once(child, 'message', { signal: AbortSignal.timeout(START_TIMEOUT_MS) })) as [{ port: number }];
    return message.port;
  })();
  let port: number;
  try {
    port = await Promise.race([started, exited.then(([code]) => Promise.reject(new Error(`s3rver exited with ${String(code)}`)))]);
  } catch (err) {
    child.kill();
    await rm(directory, { recursive: true, force: true });
    throw err;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    settings: (overrides = {}) => ({
      enabled: true,
      bucket,
      region: 'us-east-1',
      endpoint,
      accessKey: ACCESS_KEY,
      secret: SECRET,
      forcePathStyle: true,
      ...overrides,
    }),
    async stop() {
      if (child.exitCode === null) {
        child.send('stop');
        await exited;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}
