// The record resolver's SQL shape (PocketBase's, on SQLite) and its helpers. Execution on
// both engines is covered by resolver.db.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DialectName } from '../../db/types.js';
import { compileFilterText, FilterError } from '../../filter/index.js';
import { crc32 } from '../../lib/crc32.js';
import { RecordFieldResolver } from './resolver.js';
import { hasUniqueIndexOn, safeAlias } from './resolver-fields.js';
import { buildRecordSelect, buildValuesSource } from './resolver-query.js';
import { goJson, lookupPath, normaliseHeaders, splitModifier, toIdList } from './resolver-request.js';
import { authRecord, lookup, posts, request, reviews, users } from './resolver-test-fixture.js';

function select(filter: string, opts: { dialect?: DialectName; client?: boolean } = {}) {
  const dialect = opts.dialect ?? 'sqlite';
  const resolver = new RecordFieldResolver({
    dialect,
    collection: posts,
    lookup,
    request: request({ auth: authRecord('u1'), body: { editors: ['u1', 'u2'] } }),
    allowHiddenFields: !opts.client,
  });
  const where = compileFilterText(filter, { resolver, dialect });
  return buildRecordSelect({ resolver, where: [where], columns: ['id'] });
}

describe('SQL shape', () => {
  test('a plain field needs no join', () => {
    assert.deepEqual(select("title = 'x'"), { sql: 'SELECT "posts"."id" FROM "posts" WHERE ("posts"."title" = ?)', params: ['x'] });
  });

  test('rel.id of a single relation is the relation column', () => {
    assert.equal(select('author.id > true').sql, 'SELECT "posts"."id" FROM "posts" WHERE ("posts"."author" > 1)');
  });

  test('single relation: one LEFT JOIN and DISTINCT', () => {
    assert.equal(
      select('author.name > true').sql,
      'SELECT DISTINCT "posts"."id" FROM "posts" LEFT JOIN "users" "posts_author" ON "posts_author"."id" = "posts"."author" WHERE ("posts_author"."name" > 1)',
    );
  });

  test('multiple relation with ?-operator: json_each join, no subquery', () => {
    assert.equal(
      select('editors.name ?> true').sql,
      'SELECT DISTINCT "posts"."id" FROM "posts" LEFT JOIN json_each(CASE WHEN iif(json_valid("posts"."editors"), json_type("posts"."editors")=\'array\', FALSE) ' +
        'THEN "posts"."editors" ELSE json_array("posts"."editors") END) "__je_posts_editors" LEFT JOIN "users" "posts_editors" ' +
        'ON "posts_editors"."id" = "__je_posts_editors"."value" WHERE ("posts_editors"."name" > 1)',
    );
  });

  test('multiple relation with a plain operator: every value must match', () => {
    assert.match(
      select('editors.name > true').sql,
      /WHERE \(\("posts_editors"\."name" > 1 AND NOT EXISTS \(SELECT 1 FROM \(SELECT "__mm_posts_editors"\."name" AS "multiMatchValue" FROM "posts" "__mm_posts" .* WHERE "__mm_posts"\."id" = "posts"\."id"\) "__sm1" WHERE NOT \("__sm1"\."multiMatchValue" > 1\)\)\)\)$/,
    );
  });

  test('back relation through a unique single relation needs no all-values check', () => {
    const resolver = new RecordFieldResolver({ dialect: 'sqlite', collection: posts, lookup, allowHiddenFields: true });
    const where = compileFilterText('reviews_via_main.score = 5', { resolver, dialect: 'sqlite' });
    assert.equal(where.sql, '"posts_reviews_via_main"."score" = ?');
  });

  test('@request.auth: plain fields bound, others joined by id', () => {
    const { sql, params } = select("@request.auth.id = author && @request.auth.name = 'Alice'");
    assert.equal(
      sql,
      'SELECT DISTINCT "posts"."id" FROM "posts" LEFT JOIN "users" "__auth_users" ON "__auth_users"."id" = ? WHERE ((? = "posts"."author" AND "__auth_users"."name" = ?))',
    );
    assert.deepEqual(params, ['u1', 'u1', 'Alice']);
  });

  test('@request.body relation: joined by the submitted ids', () => {
    const { sql, params } = select("@request.body.editors.name ?= 'x'");
    assert.equal(sql, 'SELECT DISTINCT "posts"."id" FROM "posts" LEFT JOIN "users" "__data_users_editors" ON "__data_users_editors"."id" IN (?, ?) WHERE ("__data_users_editors"."name" = ?)');
    assert.deepEqual(params, ['u1', 'u2', 'x']);
  });

  test('email of auth records needs emailVisibility for clients', () => {
    assert.match(select("author.email = 'a'", { client: true }).sql, /WHERE \(\("posts_author"\."email" = \? AND "posts_author"\."emailVisibility" = TRUE\)\)$/);
    assert.doesNotMatch(select("author.email = 'a'").sql, /emailVisibility/);
  });

  test('client filters reaching a collection with a list rule get it as a condition', () => {
    const { sql } = select("comments_via_post.message = 'a'", { client: true });
    assert.ok(
      sql.endsWith(` AND ((("posts_comments_via_post"."id" = '' OR "posts_comments_via_post"."id" IS NULL) OR "posts_comments_via_post"."message" IS NOT ?))`),
      sql,
    );
  });

  test('PostgreSQL: joins with ON TRUE, LATERAL element tables and DISTINCT ON', () => {
    const { sql } = select("@collection.users.name ?= 'x' && editors.name ?= 'y'", { dialect: 'postgres' });
    assert.match(sql, /LEFT JOIN "users" "__collection_users" ON TRUE/);
    assert.match(sql, /LEFT JOIN LATERAL jsonb_array_elements_text\(/);
    assert.match(sql, /^SELECT "posts"\."id" FROM \(SELECT DISTINCT ON \("posts"\."id"\) "posts"\.\*/);
  });

  test('errors', () => {
    const bad = ['nope = 1', 'title.x = 1', 'author.nope = 1', '#x = 1', '@request = 1', '@collection.posts = 1', "tags:bogus = 'a'", 'editors.name:each.x = 1'];
    for (const filter of bad) assert.throws(() => select(filter), FilterError, filter);
    assert.throws(() => select('a.b.c.d.e.f.g.h = 1'), FilterError);
    const deep = 'related.related.related.related.related.related.related.title = 1';
    assert.throws(() => select(deep), (err: unknown) => err instanceof FilterError && err.code === 'limit');
  });
});

describe('helpers', () => {
  test('splitModifier', () => {
    assert.deepEqual(splitModifier('tags:each'), { name: 'tags', modifier: 'each' });
    assert.deepEqual(splitModifier('tags'), { name: 'tags', modifier: undefined });
    assert.deepEqual(splitModifier('a:b:c'), { name: 'a:b:c', modifier: undefined });
    assert.throws(() => splitModifier('tags:bogus'), FilterError);
  });

  test('lookupPath follows objects and array indexes', () => {
    const root = { a: { b: [1, { c: 'x' }] } };
    assert.equal(lookupPath(root, ['a', 'b', '1', 'c']), 'x');
    assert.equal(lookupPath(root, ['a', 'b', '0']), 1);
    assert.equal(typeof lookupPath(root, ['a', 'b', '2']), 'symbol');
    assert.equal(typeof lookupPath(root, ['a', 'x']), 'symbol');
  });

  test('goJson sorts keys and escapes like Go', () => {
    assert.equal(goJson({ b: 1, a: ['<&>'] }), '{"a":["\\u003c\\u0026\\u003e"],"b":1}');
  });

  test('toIdList', () => {
    assert.deepEqual(toIdList(['a', 'b', 'a', '']), ['a', 'b']);
    assert.deepEqual(toIdList('a'), ['a']);
    assert.deepEqual(toIdList('["a","b"]'), ['a', 'b']);
    assert.deepEqual(toIdList(null), []);
  });

  test('normaliseHeaders', () => {
    assert.deepEqual(normaliseHeaders({ 'X-Token': 'a', 'content-type': 'b' }), { x_token: 'a', content_type: 'b' });
  });

  test('hasUniqueIndexOn', () => {
    assert.equal(hasUniqueIndexOn(reviews, 'main'), true);
    assert.equal(hasUniqueIndexOn(reviews, 'posts'), false);
    assert.equal(hasUniqueIndexOn({ ...users, indexes: ['CREATE INDEX idx ON users (name)', 'CREATE UNIQUE INDEX u ON users (name, email)'] }, 'name'), false);
    assert.equal(hasUniqueIndexOn({ ...users, indexes: ['create unique index "u" on "users" ("name" DESC)'] }, 'name'), true);
  });

  test('safeAlias keeps PostgreSQL aliases within 63 bytes, distinct', () => {
    const long = `__mm_${'x'.repeat(70)}`;
    const a = safeAlias('postgres', long, crc32);
    const b = safeAlias('postgres', `${long}_je`, crc32);
    assert.ok(a.length <= 63 && b.length <= 63 && a !== b);
    assert.equal(safeAlias('sqlite', long, crc32), long);
    assert.equal(safeAlias('postgres', 'short', crc32), 'short');
  });

  test('buildValuesSource types values on PostgreSQL only', () => {
    const sqlite = buildValuesSource({ dialect: 'sqlite', name: 'x', collection: users, values: { id: 'a', verified: 1 } });
    assert.match(sqlite.sql, /^WITH "x" AS \(SELECT \? AS "id", \? AS "email", \? AS "emailVisibility"/);
    const pg = buildValuesSource({ dialect: 'postgres', name: 'x', collection: users, values: { id: 'a', verified: 1 } });
    assert.match(pg.sql, /CAST\(\? AS BOOLEAN\) AS "verified"/);
    assert.equal(pg.params.length, users.fields.length);
  });
});
