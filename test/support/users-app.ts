// An app with accounts to act as: a superuser (root@example.com) and two users, `owner` and
// `other`, each with a token, plus `call` for JSON requests as any of them or as a guest.
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from './app.js';

export type Principal = 'guest' | 'owner' | 'other' | 'superuser';
/** Whatever the response held: tests read the fields they expect. */
type ParsedJson = ReturnType<typeof JSON.parse>;

export interface UsersApp {
  t: TestApp;
  tokens: Record<Principal, string | null>;
  /** Record ids of the `owner` and `other` users. */
  ids: Record<'owner' | 'other', string>;
  /** A JSON request as `principal`; the body parsed (null when empty). */
  call(method: string, path: string, principal: Principal, body?: unknown): Promise<{ status: number; json: ParsedJson }>;
}

export async function startUsersApp(dialect: 'sqlite' | 'postgres'): Promise<UsersApp> {
  const t = await startTestApp(dialect);
  const tokens: Record<Principal, string | null> = { guest: null, owner: null, other: null, superuser: null };
  const ids = { owner: '', other: '' };
  const call: UsersApp['call'] = async (method, path, principal, body) => {
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
    const password = 'user-password-1';
    const created = await call('POST', '/api/collections/users/records', 'superuser', { email: `${name}@example.com`, password, passwordConfirm: password });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    ids[name] = created.json.id;
    tokens[name] = (await login('users', `${name}@example.com`, password)).json.token;
  }
  return { t, tokens, ids, call };
}
