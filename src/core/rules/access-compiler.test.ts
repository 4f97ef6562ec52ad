import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareForSave, systemCollections } from '../collections/index.js';
import { systemClock } from '../../lib/clock.js';
import { createAccessCompiler } from './access-compiler.js';
import type { RequestInfo } from './request-info.js';

const now = new Date('2030-01-01T00:00:00Z');
const collections = systemCollections();
for (const c of collections) prepareForSave(c, { isNew: true, now });
const users = collections.find((c) => c.name === 'users')!;
const lookup = { byNameOrId: (ref: string) => collections.find((c) => c.id === ref || c.name === ref) };

function asUser(id: string): RequestInfo {
  return {
    auth: { collection: users, values: { id } },
    isSuperuser: false,
    method: 'GET',
    query: {},
    headers: {},
    body: {},
    context: 'default',
  };
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  test(`reused statements are copies, and request-dependent ones are rebuilt per requester [${dialect}]`, () => {
    const access = createAccessCompiler({ dialect, collections: lookup, clock: systemClock });
    const plain = { collection: users, request: asUser('user1'), rules: [''], clientFilter: "name = 'x'" };
    const first = access.select(plain, { limit: 30, offset: 0 });
    const again = access.select(plain, { limit: 30, offset: 0 });
    assert.deepEqual(again, first);
    again.params.length = 0;
    assert.deepEqual(access.select(plain, { limit: 30, offset: 0 }), first);
    // A rule reading @request.auth binds each requester's own id.
    const owned = (id: string) => ({ collection: users, request: asUser(id), rules: ['id = @request.auth.id'] });
    const one = access.select(owned('user1'), { limit: 30, offset: 0 });
    const two = access.select(owned('user2'), { limit: 30, offset: 0 });
    assert.ok(one.params.includes('user1') && !one.params.includes('user2'));
    assert.ok(two.params.includes('user2') && !two.params.includes('user1'));
  });

  test(`texts with request values or date macros are compiled every time [${dialect}]`, () => {
    const access = createAccessCompiler({ dialect, collections: lookup, clock: { now: () => new Date() } });
    const input = { collection: users, request: asUser('u'), rules: ['created <= @now'] };
    const a = access.count(input);
    const b = access.count({ ...input, request: { ...asUser('u'), headers: { x: '1' } } });
    assert.equal(a.sql, b.sql);
    assert.ok(a.params.length > 0);
  });
}
