// The app most realtime suites start from: a superuser, two users (`owner`, `other`) with
// their tokens, `notes` readable only by their owner (with a hidden `secret`), and a public
// `pings` collection whose events mark "everything before this has arrived".
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../support/app.js';

export type Principal = 'guest' | 'owner' | 'other' | 'superuser';
/** Whatever the response held: tests read the fields they expect. */
type ParsedJson = ReturnType<typeof JSON.parse>;

export interface NotesApp {
  t: TestApp;
  tokens: Record<Principal, string | null>;
  /** Record ids of the `owner` and `other` users. */
  ids: Record<'owner' | 'other', string>;
  /** A JSON request as `principal`; the body parsed (null when empty). */
  call(method: string, path: string, principal: Principal, body?: unknown): Promise<{ status: number; json: ParsedJson }>;
}

export async function startNotesApp(dialect: 'sqlite' | 'postgres'): Promise<NotesApp> {
  const t = await startTestApp(dialect);
  const tokens: Record<Principal, string | null> = { guest: null, owner: null, other: null, superuser: null };
  const ids = { owner: '', other: '' };
  const call: NotesApp['call'] = async (method, path, principal, body) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (tokens[principal]) headers.authorization = tokens[principal]!;
    const res = await fetch(t.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
  await t.app.core.superusers.create('root@example.com', 'root-password-1');
  const login = (collection: string, identity: string, password: string) =>
    call('POST', `/api/collections/${collection}/auth-with-password`, 'guest', { identity, password });
  tokens.superuser = (await login('_superusers', 'root@example.com', 'root-password-1')).json.token;
  for (const name of ['owner', 'other'] as const) {
    const created = await call('POST', '/api/collections/users/records', 'superuser', {
      email: `${name}@example.com`,
      password: 'user-password-1',
      passwordConfirm: 'user-password-1',
    });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    ids[name] = created.json.id;
    tokens[name] = (await login('users', `${name}@example.com`, 'user-password-1')).json.token;
  }
  const ownerOnly = 'owner = @request.auth.id';
  const notes = await call('POST', '/api/collections', 'superuser', {
    name: 'notes',
    type: 'base',
    listRule: ownerOnly,
    viewRule: ownerOnly,
    fields: [
      { name: 'title', type: 'text' },
      { name: 'secret', type: 'text', hidden: true },
      { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
    ],
  });
  assert.equal(notes.status, 200, JSON.stringify(notes.json));
  const pings = await call('POST', '/api/collections', 'superuser', { name: 'pings', type: 'base', listRule: '', createRule: '', fields: [{ name: 'n', type: 'number' }] });
  assert.equal(pings.status, 200, JSON.stringify(pings.json));
  return { t, tokens, ids, call };
}
