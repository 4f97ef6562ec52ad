// The record resolver on real tables, both engines: filter → matching post ids.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { forEachDialect } from '../../db/testing.js';
import type { Database } from '../../db/types.js';
import { compileFilterText, compileSortKeys, FilterError, parseSort, type FilterErrorCode } from '../../filter/index.js';
import type { Clock } from '../../lib/clock.js';
import { RecordFieldResolver } from './resolver.js';
import { buildRecordCount, buildRecordSelect, buildRuleCheck, buildValuesSource } from './resolver-query.js';
import { authRecord, lookup, posts, request, seedSchema } from './resolver-test-fixture.js';
import type { RequestInfo } from './request-info.js';

const clock: Clock = { now: () => new Date(Date.UTC(2024, 1, 10, 12, 0, 0)) };
const ALL = ['p1', 'p2', 'p3', 'p4'];

const REQUEST = request({
  auth: authRecord('u1'),
  method: 'GET',
  query: { q: 'x' },
  headers: { 'X-Token': 'abc' },
  body: { title: 'World', views: '10', tags: ['a', 'b'], author: 'u2', editors: ['u1', 'u3'], nested: { deep: [1, { k: 'v' }] } },
});

interface Case {
  readonly filter: string;
  readonly ids?: readonly string[] | 'all';
  readonly error?: FilterErrorCode;
  /** A non-superuser's client filter: hidden fields refused, joined list rules applied. */
  readonly client?: boolean;
  /** Also refuse @request/@collection. */
  readonly forbid?: boolean;
  readonly request?: RequestInfo | null;
  readonly sort?: string;
}

const CASES: readonly Case[] = [
  // plain fields
  { filter: "title = 'Hello'", ids: ['p1'] },
  { filter: "title:lower = 'hello'", ids: ['p1'] },
  { filter: "title ~ 'hello'", ids: ['p1', 'p4'] },
  { filter: "views:lower = '5.5'", ids: ['p3'] },
  { filter: 'views > 5 && published = false', ids: ['p4'] },
  { filter: "kind = 'a' || kind = ''", ids: ['p1', 'p3'] },
  { filter: "created > '2024-02-01'", ids: ['p2', 'p3', 'p4'] },
  { filter: "strftime('%m', created) = '02'", ids: ['p2', 'p4'] },
  { filter: 'data.x = 1', ids: ['p1'] },
  { filter: "data.x = '1'", ids: ['p4'] },
  { filter: "data.s ~ 'H'", ids: ['p1'] },
  { filter: 'data = null', ids: ['p3'] },
  { filter: 'location.lat = 2', ids: ['p1'] },
  { filter: 'geoDistance(location.lon, location.lat, 1, 2) < 1', ids: ['p1'] },
  // multi-value fields
  { filter: "tags ~ 'a'", ids: ['p1', 'p4'], note: 'LIKE on the JSON text' } as Case,
  { filter: "tags:each = 'a'", ids: ['p4'] },
  { filter: "tags:each ?= 'b'", ids: ['p1', 'p2'] },
  { filter: "tags:each != 'a'", ids: ['p2', 'p3'] },
  { filter: 'tags:length = 2', ids: ['p1'] },
  { filter: 'tags:length = 0', ids: ['p3'] },
  { filter: "kind:each = 'b'", ids: ['p2'] },
  { filter: "kind:length = 0", ids: ['p3'] },
  { filter: 'editors:length > 1', ids: ['p1'] },
  // relations
  { filter: "author.name = 'Alice'", ids: ['p1'] },
  { filter: "author.id = 'u1'", ids: ['p1'] },
  { filter: "author = ''", ids: ['p3'] },
  { filter: "author.name:lower = 'alice'", ids: ['p1'] },
  { filter: "editors.name = 'Bob'", ids: ['p2'] },
  { filter: "editors.name ?= 'Bob'", ids: ['p1', 'p2'] },
  { filter: "editors.name:lower ?= 'bob'", ids: ['p1', 'p2'] },
  { filter: "editors.id ?= 'u3'", ids: [] },
  { filter: "related.title ?= 'World'", ids: ['p1', 'p3'] },
  { filter: "related.author.name ?= 'Bob'", ids: ['p1', 'p3'] },
  { filter: "related.author.name = 'Bob'", ids: ['p1'] },
  { filter: "author.fav.title = 'World'", ids: ['p1'] },
  { filter: "author.email = 'b@x.com'", ids: ['p2'] },
  // back relations
  { filter: "comments_via_post.message ?= 'nice'", ids: ['p1'] },
  { filter: 'comments_via_post.likes > 2', ids: ['p1'] },
  { filter: 'comments_via_post.likes ?> 5', ids: ['p1'] },
  { filter: 'reviews_via_posts.score ?= 1', ids: ['p2'] },
  { filter: 'reviews_via_posts.score = 5', ids: ['p1'] },
  { filter: 'reviews_via_main.score = 5', ids: ['p1'], note: 'unique index: no all-values check' } as Case,
  { filter: "secrets_via_post.code = 'abc'", ids: ['p1'] },
  { filter: "nope_via_post.code = 'abc'", error: 'unknown_field' },
  { filter: "comments_via_message.id = 'c1'", error: 'unknown_field' },
  // @collection
  { filter: '@collection.comments.post ?= id && @collection.comments.likes ?> 5', ids: ['p1'] },
  { filter: '@collection.comments:c.post ?= id', ids: ['p1', 'p2'] },
  { filter: "@collection.comments.message = 'nice'", ids: [], note: 'every comment' } as Case,
  { filter: '@collection.missing.id = 1', error: 'unknown_field' },
  { filter: `@collection.posts:${'a'.repeat(42)}.editors.name ?= 'Bob'`, ids: 'all', note: 'aliases past 63 bytes' } as Case,
  { filter: `@collection.posts:${'a'.repeat(42)}.related.editors.name = 'Bob'`, ids: [] },
  // @request
  { filter: '@request.auth.id = author', ids: ['p1'] },
  { filter: "@request.auth.name = 'Alice'", ids: 'all' },
  { filter: "@request.auth.collectionName = 'users' && @request.auth.verified = true", ids: 'all' },
  { filter: "@request.auth.fav.title = title", ids: ['p2'] },
  { filter: '@request.auth.missing.field = null', ids: 'all' },
  { filter: "@request.auth.id = ''", ids: 'all', request: request() },
  { filter: '@request.auth.name = null', ids: 'all', request: request() },
  { filter: '@request.body.title = title', ids: ['p2'] },
  { filter: '@request.body.views = views', ids: ['p1'], note: 'text for a number field' } as Case,
  { filter: '@request.body.title:isset = true && @request.body.nope:isset = false', ids: 'all' },
  { filter: '@request.body.tags:length = 2', ids: 'all' },
  { filter: "@request.body.tags:each ?= 'b' && tags:each ?= @request.body.tags:each", ids: ['p1', 'p2'], note: 'one joined body row for both' } as Case,
  { filter: "@request.body.title:lower = 'world'", ids: 'all' },
  { filter: "@request.body.author.name = 'Bob'", ids: 'all' },
  { filter: "@request.body.editors.name ?= 'Alice'", ids: 'all' },
  { filter: "@request.body.editors.name = 'Alice'", ids: [] },
  { filter: '@request.body.title:changed = true', ids: ['p1', 'p3', 'p4'] },
  { filter: '@request.body.views:changed = false', ids: ['p1'] },
  { filter: '@request.body.nested.deep.1.k = "v" && @request.body.nested.deep.0 = 1', ids: 'all' },
  { filter: "@request.body.nested = '{\"deep\":[1,{\"k\":\"v\"}]}'", ids: 'all' },
  { filter: "@request.query.q = 'x' && @request.headers.x_token = 'abc' && @request.method = 'GET'", ids: 'all' },
  { filter: "@request.context = 'default'", ids: 'all' },
  { filter: '@request.query.missing = null && @request.query.missing:isset = false', ids: 'all' },
  { filter: "@request.body.nope:changed = true", error: 'unknown_field' },
  { filter: '@request.data.x = 1', error: 'unknown_field' },
  { filter: "@request.auth.id = ''", ids: 'all', request: null },
  // hidden fields and client restrictions
  { filter: "secret = 's1'", ids: ['p1'] },
  { filter: "secret = 's1'", client: true, error: 'not_filterable' },
  { filter: "author.password = 'h1'", client: true, error: 'not_filterable' },
  { filter: "author.email = 'b@x.com'", client: true, ids: [], note: 'email not public' } as Case,
  { filter: "author.email = 'a@x.com'", client: true, ids: ['p1'] },
  { filter: "secrets_via_post.code = 'abc'", client: true, error: 'not_filterable' },
  { filter: 'comments_via_post.likes ?> 5', client: true, ids: [], note: 'the matching comment fails its list rule' } as Case,
  { filter: 'comments_via_post.likes ?> 1', client: true, ids: ['p1'] },
  { filter: "comments_via_post.id = '' || title = 'World'", client: true, ids: ['p2', 'p3', 'p4'] },
  { filter: '@request.auth.id = author', client: true, forbid: true, error: 'forbidden_field' },
  { filter: '@collection.comments.likes ?> 5', client: true, forbid: true, error: 'forbidden_field' },
  // sorting
  { filter: "id != ''", sort: '-views', ids: ['p4', 'p1', 'p3', 'p2'] },
  { filter: "id != ''", sort: 'author.name,id', ids: ['p3', 'p4', 'p1', 'p2'] },
  { filter: "editors.id ?!= ''", sort: '-title', ids: ['p4', 'p2', 'p1'] },
  { filter: "comments_via_post.likes ?>= 0 || id != ''", sort: '@rowid', ids: ['p1', 'p2', 'p3', 'p4'] },
  { filter: "id != ''", sort: 'data.x,id', ids: ['p3', 'p1', 'p2', 'p4'] },
];

async function runCase(db: Database, c: Case): Promise<string[]> {
  const dialect = db.dialect.name;
  const resolver = new RecordFieldResolver({
    dialect,
    collection: posts,
    lookup,
    request: c.request === undefined ? REQUEST : c.request,
    allowHiddenFields: !c.client,
    forbidRequestFields: c.forbid ?? false,
    clock,
  });
  const where = compileFilterText(c.filter, { resolver, dialect, clock });
  const sort = c.sort ? compileSortKeys(parseSort(c.sort), { resolver, dialect }) : [];
  const query = buildRecordSelect({ resolver, where: [where], sort, columns: ['id'] });
  const rows = await db.all<{ id: string }>(query.sql, query.params);
  const ids = rows.map((r) => r.id);
  return c.sort ? ids : ids.sort();
}

forEachDialect(
  (dialect, getDb) => {
    before(async () => {
      await seedSchema(getDb());
    });

    test('resolver cases', async () => {
      const failures: string[] = [];
      for (const c of CASES) {
        let actual: string;
        try {
          actual = JSON.stringify(await runCase(getDb(), c));
        } catch (err) {
          actual = err instanceof FilterError ? `FilterError ${err.code}` : `error ${(err as Error).message}`;
        }
        const expected = c.error ? `FilterError ${c.error}` : JSON.stringify(c.ids === 'all' ? ALL : c.ids);
        if (actual !== expected) failures.push(`${c.filter}${c.sort ? ` (sort ${c.sort})` : ''}${c.client ? ' [client]' : ''}\n    expected ${expected}\n    actual   ${actual}`);
      }
      assert.equal(failures.length, 0, failures.join('\n'));
    });

    describe('create rule over a values CTE', () => {
      const check = async (rule: string, values: Record<string, unknown>) => {
        const name = 'posts__create';
        const encoded = Object.fromEntries(
          Object.entries(values).map(([k, v]) => [k, Array.isArray(v) || (v !== null && typeof v === 'object') ? JSON.stringify(v) : typeof v === 'boolean' ? (v ? 1 : 0) : (v as string | number)]),
        );
        const resolver = new RecordFieldResolver({ dialect, collection: posts, lookup, request: REQUEST, allowHiddenFields: true, tableName: name, valuesSource: true, clock });
        const where = compileFilterText(rule, { resolver, dialect, clock });
        const cte = buildValuesSource({ dialect, name, collection: posts, values: encoded });
        const query = buildRuleCheck({ resolver, where: [where], with: cte });
        return (await getDb().all(query.sql, query.params)).length === 1;
      };
      const values = { id: 'new1', title: 'x', views: 10, published: true, tags: ['a'], author: 'u1', editors: ['u1', 'u2'], data: { x: 1 }, related: [] };

      test('plain fields, relations and multi-values', async () => {
        assert.equal(await check("title = 'x' && views > 5 && published = true", values), true);
        assert.equal(await check("author.name = 'Alice' && editors.name ?= 'Bob'", values), true);
        assert.equal(await check("tags:each = 'a' && editors:length = 2 && data.x = 1", values), true);
        assert.equal(await check("title = 'y'", values), false);
        assert.equal(await check("editors.name = 'Bob'", values), false);
        assert.equal(await check('@request.auth.id = author', values), true);
      });

      test('values have no column affinity (as in PocketBase)', async () => {
        assert.equal(await check("views = '10'", values), false);
        assert.equal(await check('views = 10', values), true);
      });
    });

    test('count and paging', async () => {
      const db = getDb();
      const resolver = new RecordFieldResolver({ dialect, collection: posts, lookup, request: REQUEST, allowHiddenFields: true, clock });
      const where = compileFilterText("editors.name ?!= ''", { resolver, dialect, clock });
      const sort = compileSortKeys(parseSort('-views'), { resolver, dialect });
      const count = buildRecordCount({ resolver, where: [where] });
      assert.deepEqual(await db.get(count.sql, count.params), { count: 3 });
      const page = buildRecordSelect({ resolver, where: [where], sort, columns: ['id', 'title'], limit: 2, offset: 1 });
      assert.deepEqual(await db.all(page.sql, page.params), [
        { id: 'p1', title: 'Hello' },
        { id: 'p2', title: 'World' },
      ]);
    });
  },
  { title: 'record resolver' },
);
