// Two Plinth nodes on one PostgreSQL database: a collection or settings change made through
// one node's API is served by the other without a restart.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import PocketBase from 'pocketbase';
import { openTestDatabase, type TestDatabase } from '../src/db/testing.js';
import { startTestApp, type TestApp } from './support/app.js';

const ADMIN = { email: 'nodes-admin@example.com', password: 'admin-password-123' };


/** Polls a condition that another node makes true asynchronously, up to a deadline. */
async function eventually(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('several nodes on one PostgreSQL database', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let adminA: PocketBase;
  let adminB: PocketBase;

  before(async () => {
    database = await openTestDatabase('postgres');
    a = await startTestApp('postgres', { db: database.url! });
    b = await startTestApp('postgres', { db: database.url! });
    await a.app.core.superusers.upsert(ADMIN.email, ADMIN.password);
    adminA = new PocketBase(a.url);
    adminB = new PocketBase(b.url);
    await adminA.collection('_superusers').authWithPassword(ADMIN.email, ADMIN.password);
    await adminB.collection('_superusers').authWithPassword(ADMIN.email, ADMIN.password);
  });

  after(async () => {
    await a?.close();
    await b?.close();
    await database?.cleanup();
  });

  test('a collection created on one node is served by the other', async () => {
    await adminA.collections.create({ name: 'notes', type: 'base', listRule: '', fields: [{ name: 'text', type: 'text' }] });
    await eventually(async () => b.app.core.registry.byNameOrId('notes') !== undefined, 'node B to load the collection');
    await adminB.collection('notes').create({ text: 'written through node B' });
    const listed = await new PocketBase(a.url).collection('notes').getList();
    assert.deepEqual(
      listed.items.map((r) => r.text),
      ['written through node B'],
    );
  });

  test('a settings change on one node applies on the other', async () => {
    await adminA.settings.update({ meta: { appName: 'Renamed on A' } });
    await eventually(async () => b.app.core.settings.get().meta.appName === 'Renamed on A', 'node B to reload the settings');
    const seen = await adminB.settings.getAll();
    assert.equal(seen.meta.appName, 'Renamed on A');
  });
});
