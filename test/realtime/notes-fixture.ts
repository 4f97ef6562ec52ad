// The app most realtime suites start from: a superuser, two users (`owner`, `other`) with
// their tokens, `notes` readable only by their owner (with a hidden `secret`), and a public
// `pings` collection whose events mark "everything before this has arrived".
import assert from 'node:assert/strict';
import { startUsersApp, type Principal, type UsersApp } from '../support/users-app.js';

export type { Principal };
export type NotesApp = UsersApp;

export async function startNotesApp(dialect: 'sqlite' | 'postgres'): Promise<NotesApp> {
  const app = await startUsersApp(dialect);
  const { call } = app;
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
  return app;
}
