// Generated hostile input against the records, collections and batch endpoints, on both
// databases: every answer is a 2xx or a 4xx with PocketBase's error body, never a 500, and a
// rejected write changes nothing.
// 2 engines × (2300 list + 2300 write + 460 batch) ≈ 10,000 generated requests per run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestApp, type TestApp } from '../support/app.js';
import { isErrorBody } from '../support/error-body.js';

const RUNS_PER_PROPERTY = Number(process.env.PLINTH_FUZZ_RUNS ?? 2300);

const FIELD_NAMES = ['title', 'n', 'flag', 'tags', 'meta', 'when', 'owner', 'id', 'created', 'nope', '@request.auth.id', 'owner.title'];
const fragment = fc.oneof(
  fc.constantFrom(...FIELD_NAMES),
  fc.constantFrom('=', '!=', '>', '>=', '<', '<=', '~', '!~', '?=', '?~', '&&', '||', '(', ')', ':length', ':each', ':lower', ':isset'),
  fc.constantFrom("'a'", '"b"', '1', '-2.5', 'true', 'false', 'null', '@now', '@todayStart', "'%'", "'_'", "'\\''", '//c\n'),
  fc.string({ maxLength: 12 }),
  fc.constantFrom("' OR 1=1 --", '"; DROP TABLE fuzz; --', '\u0000', 'ñ', '😀', '\\'),
);
const expression = fc.array(fragment, { maxLength: 14 }).map((parts) => parts.join(' '));
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const body = fc.dictionary(fc.constantFrom(...FIELD_NAMES, 'n+', 'tags-', '+tags', 'title:autogenerate', 'x'), jsonValue, { maxKeys: 6 });

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`records endpoints under generated input [${dialect}]`, () => {
    let t: TestApp;
    let token = '';

    before(async () => {
      t = await startTestApp(dialect);
      await t.app.core.superusers.create('fuzz@example.com', 'fuzz-password-1');
      const auth = await (
        await fetch(`${t.url}/api/collections/_superusers/auth-with-password`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ identity: 'fuzz@example.com', password: 'fuzz-password-1' }),
        })
      ).json() as { token: string };
      token = auth.token;
      const create = await fetch(`${t.url}/api/collections`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: token },
        body: JSON.stringify({
          name: 'fuzz',
          type: 'base',
          listRule: 'n >= 0 || title != ""',
          viewRule: '',
          createRule: 'n < 1000',
          updateRule: '',
          deleteRule: null,
          fields: [
            { name: 'title', type: 'text', max: 50 },
            { name: 'n', type: 'number', max: 100000 },
            { name: 'flag', type: 'bool' },
            { name: 'tags', type: 'select', values: ['a', 'b', 'c'], maxSelect: 3 },
            { name: 'meta', type: 'json' },
            { name: 'when', type: 'date' },
            { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
            { name: 'created', type: 'autodate', onCreate: true },
          ],
        }),
      });
      assert.equal(create.status, 200, await create.text());
      for (let i = 0; i < 5; i++) {
        await fetch(`${t.url}/api/collections/fuzz/records`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ title: `row ${i}`, n: i, tags: ['a', 'b'].slice(0, i % 3), meta: { i } }),
        });
      }
    });

    after(async () => {
      await t?.close();
    });

    async function count(): Promise<number> {
      const res = await fetch(`${t.url}/api/collections/fuzz/records?perPage=1`, { headers: { authorization: token } });
      return ((await res.json()) as { totalItems: number }).totalItems;
    }

    async function expectClean(res: Response): Promise<number> {
      const text = await res.text();
      assert.ok(res.status < 500, `server error ${res.status}: ${text.slice(0, 300)}`);
      if (res.status >= 400) {
        assert.ok(isErrorBody(JSON.parse(text), res.status), `bad error body: ${text.slice(0, 300)}`);
        assert.doesNotMatch(text, /\bSELECT\b.*\bFROM\b|INSERT INTO|SQLITE_|syntax error at or near|\.ts:\d+/i);
      }
      return res.status;
    }

    test('list parameters', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            filter: expression,
            sort: fc.array(fc.constantFrom('-n', '+title', '@random', '@rowid', 'nope', '-meta.i', 'owner.title', '', '-'), { maxLength: 3 }).map((s) => s.join(',')),
            expand: fc.constantFrom('', 'owner', 'owner.rel', 'nope', 'fuzz_via_owner', '.', 'a'.repeat(300)),
            fields: fc.constantFrom('', 'id', '*,title:excerpt(3,true)', 'x:excerpt(', 'expand.owner.*'),
            page: fc.constantFrom('', '1', '-1', 'abc', '99999999999999999999'),
            perPage: fc.constantFrom('', '0', '5', '5000', 'x'),
            skipTotal: fc.constantFrom('', '1', 'true', 'yes'),
            auth: fc.boolean(),
          }),
          async (p) => {
            const q = new URLSearchParams();
            for (const key of ['filter', 'sort', 'expand', 'fields', 'page', 'perPage', 'skipTotal'] as const) if (p[key]) q.set(key, p[key]);
            const res = await fetch(`${t.url}/api/collections/fuzz/records?${q}`, { headers: p.auth ? { authorization: token } : {} });
            await expectClean(res);
          },
        ),
        { numRuns: RUNS_PER_PROPERTY },
      );
    });

    test('create and update bodies: a rejected write changes nothing', async () => {
      const initial = await count();
      let created = 0;
      await fc.assert(
        fc.asyncProperty(body, fc.constantFrom('json', 'form', 'broken'), fc.boolean(), async (data, encoding, update) => {
          const headers: Record<string, string> = { authorization: token };
          let payload: string;
          if (encoding === 'json') {
            headers['content-type'] = 'application/json';
            payload = JSON.stringify(data);
          } else if (encoding === 'form') {
            headers['content-type'] = 'application/x-www-form-urlencoded';
            payload = new URLSearchParams(
              Object.entries(data).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
            ).toString();
          } else {
            headers['content-type'] = 'application/json';
            payload = JSON.stringify(data).slice(0, -1);
          }
          const before = await count();
          const url = update ? `${t.url}/api/collections/fuzz/records/nonexistent1234` : `${t.url}/api/collections/fuzz/records`;
          const status = await expectClean(await fetch(url, { method: update ? 'PATCH' : 'POST', headers, body: payload }));
          const afterCount = await count();
          if (status === 200 && !update) {
            created++;
            assert.equal(afterCount, before + 1);
          } else {
            assert.equal(afterCount, before, `status ${status} changed the row count`);
          }
        }),
        { numRuns: RUNS_PER_PROPERTY },
      );
      assert.equal(await count(), initial + created);
    });

    test('batch envelopes are all-or-nothing', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE', 'GET'), body), { maxLength: 4 }), async (items) => {
          const before = await count();
          const requests = items.map(([method, data]) => ({
            method,
            url: method === 'PATCH' || method === 'DELETE' ? '/api/collections/fuzz/records/missing12345678' : '/api/collections/fuzz/records',
            body: data,
          }));
          const res = await fetch(`${t.url}/api/batch`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: token },
            body: JSON.stringify({ requests }),
          });
          const status = await expectClean(res);
          if (status !== 200) assert.equal(await count(), before);
        }),
        { numRuns: Math.ceil(RUNS_PER_PROPERTY / 5) },
      );
    });
  });
}
