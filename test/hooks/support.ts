// A Plinth started in library mode with handlers bound by the test, a `posts` collection open to
// everyone, a superuser token, and the log lines (to see what was reported, and that secrets
// and stack traces stayed out of responses).
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loadConfig, type ConfigOverrides } from '../../src/config/index.js';
import { createPlinth, type Plinth } from '../../src/app/plinth.js';
import type { DialectName } from '../../src/db/types.js';
import { testDatabaseUrl } from '../support/app.js';
import { tempDir } from '../support/server.js';

type ParsedJson = ReturnType<typeof JSON.parse>;

export interface HookedApp {
  plinth: Plinth;
  url: string;
  superuser: string;
  logs: string[];
  call(method: string, path: string, options?: { body?: unknown; token?: string }): Promise<{ status: number; json: ParsedJson; headers: Headers; text: string }>;
  close(): Promise<void>;
}

export async function startHookedApp(
  dialect: DialectName,
  register: (plinth: Plinth) => void,
  overrides: ConfigOverrides = {},
): Promise<HookedApp> {
  const database = await testDatabaseUrl(dialect);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const config = loadConfig({ dir: tempDir(), http: '127.0.0.1:0', db: database.url, hooksDir: '', ...overrides }, { env: {} });
  const plinth = createPlinth({ config, logger: pino({ level: 'info' }, sink) });
  register(plinth);
  const url = await plinth.start();
  const core = plinth.running!.core;
  await core.collections.create({
    name: 'posts',
    type: 'base',
    listRule: '',
    viewRule: '',
    createRule: '',
    updateRule: '',
    deleteRule: '',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'slug', type: 'text' },
      { name: 'views', type: 'number' },
    ],
  });
  await core.superusers.create('root@example.com', 'root-password-1');
  const call: HookedApp['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.token) headers.authorization = options.token;
    const res = await fetch(url + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await res.text();
    let json: ParsedJson = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, json, headers: res.headers, text };
  };
  const login = await call('POST', '/api/collections/_superusers/auth-with-password', { body: { identity: 'root@example.com', password: 'root-password-1' } });
  return {
    plinth,
    url,
    superuser: login.json.token,
    logs,
    call,
    async close() {
      await plinth.stop();
      await database.cleanup();
    },
  };
}

/** Creates a record in the `users` auth collection and returns its auth token (a signed-in non-superuser). */
export async function signedInUser(app: HookedApp, email: string, password: string): Promise<string> {
  const created = await app.call('POST', '/api/collections/users/records', {
    token: app.superuser,
    body: { email, password, passwordConfirm: password },
  });
  if (created.status !== 200) throw new Error(`could not create ${email}: ${created.text}`);
  const login = await app.call('POST', '/api/collections/users/auth-with-password', { body: { identity: email, password } });
  if (login.status !== 200) throw new Error(`could not sign in ${email}: ${login.text}`);
  return login.json.token as string;
}
