// Permission matrix as data: rule × principal × operation → expected status, on both
// databases. Each row sets one rule on a fresh collection and tries one operation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../support/app.js';

type Principal = 'guest' | 'owner' | 'other' | 'superuser';
type Operation = 'list' | 'view' | 'create' | 'update' | 'delete';

interface Row {
  rule: string | null;
  principal: Principal;
  op: Operation;
  /** HTTP status; for list, the number of items seen instead. */
  expect: number;
}

const OWNER_RULE = 'owner = @request.auth.id';
const MATRIX: Row[] = [
  // null: superusers only
  ...(['list', 'view', 'create', 'update', 'delete'] as const).flatMap((op) => [
    { rule: null, principal: 'guest' as const, op, expect: 403 },
    { rule: null, principal: 'owner' as const, op, expect: 403 },
    { rule: null, principal: 'superuser' as const, op, expect: op === 'list' ? 1 : op === 'delete' ? 204 : 200 },
  ]),
  // "": everyone
  { rule: '', principal: 'guest', op: 'list', expect: 1 },
  { rule: '', principal: 'guest', op: 'view', expect: 200 },
  { rule: '', principal: 'guest', op: 'create', expect: 200 },
  { rule: '', principal: 'guest', op: 'update', expect: 200 },
  { rule: '', principal: 'guest', op: 'delete', expect: 204 },
  // an expression: list filters, view/update/delete 404, create 400
  { rule: OWNER_RULE, principal: 'owner', op: 'list', expect: 1 },
  { rule: OWNER_RULE, principal: 'other', op: 'list', expect: 0 },
  { rule: OWNER_RULE, principal: 'guest', op: 'list', expect: 0 },
  { rule: OWNER_RULE, principal: 'owner', op: 'view', expect: 200 },
  { rule: OWNER_RULE, principal: 'other', op: 'view', expect: 404 },
  { rule: OWNER_RULE, principal: 'guest', op: 'view', expect: 404 },
  { rule: OWNER_RULE, principal: 'owner', op: 'create', expect: 200 },
  { rule: OWNER_RULE, principal: 'other', op: 'create', expect: 400 },
  { rule: OWNER_RULE, principal: 'guest', op: 'create', expect: 400 },
  { rule: OWNER_RULE, principal: 'owner', op: 'update', expect: 200 },
  { rule: OWNER_RULE, principal: 'other', op: 'update', expect: 404 },
  { rule: OWNER_RULE, principal: 'owner', op: 'delete', expect: 204 },
  { rule: OWNER_RULE, principal: 'other', op: 'delete', expect: 404 },
  { rule: OWNER_RULE, principal: 'superuser', op: 'view', expect: 200 },
  // rules over the submitted body
  { rule: '@request.body.title:isset = false || @request.body.title = "ok"', principal: 'guest', op: 'update', expect: 404 },
  { rule: 'title != "locked"', principal: 'guest', op: 'list', expect: 1 },
];

const RULE_KEY: Record<Operation, string> = {
  list: 'listRule',
  view: 'viewRule',
  create: 'createRule',
  update: 'updateRule',
  delete: 'deleteRule',
};

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`permission matrix [${dialect}]`, () => {
    let t: TestApp;
    const tokens: Record<Principal, string | null> = { guest: null, owner: null, other: null, superuser: null };
    const ids: Record<string, string> = {};

    async function call(method: string, path: string, principal: Principal, body?: unknown) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (tokens[principal]) headers.authorization = tokens[principal]!;
      const res = await fetch(t.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : null };
    }

    before(async () => {
      t = await startTestApp(dialect);
      await t.app.core.superusers.create('root@example.com', 'root-password-1');
      tokens.superuser = (await call('POST', '/api/collections/_superusers/auth-with-password', 'guest', { identity: 'root@example.com', password: 'root-password-1' })).json.token;
      for (const name of ['owner', 'other'] as const) {
        const created = await call('POST', '/api/collections/users/records', 'superuser', {
          email: `${name}@example.com`,
          password: 'user-password-1',
          passwordConfirm: 'user-password-1',
        });
        assert.equal(created.status, 200, JSON.stringify(created.json));
        ids[name] = created.json.id;
        tokens[name] = (await call('POST', '/api/collections/users/auth-with-password', 'guest', { identity: `${name}@example.com`, password: 'user-password-1' })).json.token;
      }
    });

    after(async () => {
      await t?.close();
    });

    MATRIX.forEach((row, index) => {
      test(`${row.op} with ${JSON.stringify(row.rule)} as ${row.principal} → ${row.expect}`, async () => {
        const name = `m${index}`;
        const rules: Record<string, string | null> = { listRule: null, viewRule: null, createRule: null, updateRule: null, deleteRule: null };
        rules[RULE_KEY[row.op]] = row.rule;
        const made = await call('POST', '/api/collections', 'superuser', {
          name,
          type: 'base',
          ...rules,
          fields: [
            { name: 'title', type: 'text' },
            { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
          ],
        });
        assert.equal(made.status, 200, JSON.stringify(made.json));
        const seed = await call('POST', `/api/collections/${name}/records`, 'superuser', { title: 'first', owner: ids.owner });
        const id = seed.json.id as string;
        const base = `/api/collections/${name}/records`;
        let result: { status: number; json: { items?: unknown[] } | null };
        switch (row.op) {
          case 'list':
            result = await call('GET', base, row.principal);
            if (result.status === 200) assert.equal(result.json!.items!.length, row.expect);
            else assert.equal(result.status, row.expect);
            return;
          case 'view':
            result = await call('GET', `${base}/${id}`, row.principal);
            break;
          case 'create':
            result = await call('POST', base, row.principal, { title: 'new', owner: ids.owner });
            break;
          case 'update':
            result = await call('PATCH', `${base}/${id}`, row.principal, { title: 'changed' });
            break;
          case 'delete':
            result = await call('DELETE', `${base}/${id}`, row.principal);
            break;
        }
        assert.equal(result.status, row.expect, JSON.stringify(result.json));
        // A refused write leaves the stored record as it was.
        if (row.expect >= 400 && (row.op === 'update' || row.op === 'delete')) {
          const stored = await call('GET', `${base}/${id}`, 'superuser');
          assert.equal((stored.json as { title: string }).title, 'first');
        }
      });
    });
  });
}
