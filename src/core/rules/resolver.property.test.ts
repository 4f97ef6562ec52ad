// Generated record filters (relations, back relations, multi-values, @request, @collection)
// select the same posts on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { after, before, test } from 'node:test';
import { openTestDatabase, type TestDatabase } from '../../db/testing.js';
import type { Database } from '../../db/types.js';
import { BASE_OPERATORS, compileFilter, compileSortKeys, FilterError, parseSort, type FilterNode, type OperandNode } from '../../filter/index.js';
import type { Clock } from '../../lib/clock.js';
import { RecordFieldResolver } from './resolver.js';
import { buildRecordSelect } from './resolver-query.js';
import { authRecord, lookup, posts, request, seedSchema } from './resolver-test-fixture.js';

const clock: Clock = { now: () => new Date(Date.UTC(2024, 1, 10, 12, 0, 0)) };
const REQUEST = request({ auth: authRecord('u2'), body: { title: 'Hello', views: 10, tags: ['b', 'c'], editors: ['u1'] } });

const PATHS = [
  'id', 'title', 'views', 'published', 'tags', 'tags:each', 'tags:length', 'kind', 'kind:each', 'author', 'author.name',
  'author.fav.title', 'author.verified', 'editors.name', 'editors:length', 'editors.fav.views', 'related.title', 'related.views',
  'related.tags:each', 'comments_via_post.likes', 'comments_via_post.message', 'reviews_via_posts.score', 'reviews_via_main.score',
  '@collection.comments.likes', '@collection.users:u.name', '@request.auth.name', '@request.auth.id', '@request.body.title',
  '@request.body.tags:each', '@request.body.views', '@request.body.editors.name', '@request.body.title:changed', 'data.x', 'data.s',
  'location.lat', 'created', 'title:lower', 'author.name:lower', 'null', 'true',
];
const LITERALS: OperandNode[] = [
  { type: 'text', value: '' }, { type: 'text', value: 'a' }, { type: 'text', value: 'Hello' }, { type: 'text', value: 'Bob' },
  { type: 'text', value: 'hello' }, { type: 'text', value: '1' }, { type: 'text', value: '2024-02' }, { type: 'text', value: 'o' },
  { type: 'number', value: 1, raw: '1' }, { type: 'number', value: 5, raw: '5' }, { type: 'number', value: 10, raw: '10' },
  { type: 'number', value: 0, raw: '0' },
];

const operand = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PATHS).map((name): OperandNode => ({ type: 'identifier', name })) },
  { weight: 2, arbitrary: fc.constantFrom(...LITERALS) },
);
const comparison: fc.Arbitrary<FilterNode> = fc
  .tuple(operand, fc.constantFrom(...BASE_OPERATORS), fc.boolean(), operand)
  .map(([left, base, any, right]) => ({ type: 'comparison', left, op: { base, any }, right }));
const filter: fc.Arbitrary<FilterNode> = fc.oneof(
  comparison,
  fc.tuple(fc.constantFrom<'and' | 'or'>('and', 'or'), fc.array(comparison, { minLength: 2, maxLength: 3 })).map(([type, items]) => ({ type, items })),
);
const sort = fc.option(fc.constantFrom('-views,id', 'author.name,id', 'title,-id', 'data.x,id', 'editors.name,id'), { nil: undefined });

let sqlite: TestDatabase;
let postgres: TestDatabase;

before(async () => {
  sqlite = await openTestDatabase('sqlite');
  postgres = await openTestDatabase('postgres');
  await seedSchema(sqlite.db);
  await seedSchema(postgres.db);
});

after(async () => {
  await sqlite?.cleanup();
  await postgres?.cleanup();
});

async function run(db: Database, node: FilterNode, sortText: string | undefined, client: boolean): Promise<string[]> {
  const dialect = db.dialect.name;
  const resolver = new RecordFieldResolver({ dialect, collection: posts, lookup, request: REQUEST, allowHiddenFields: !client, clock });
  const where = compileFilter(node, { resolver, dialect, clock });
  const keys = sortText ? compileSortKeys(parseSort(sortText), { resolver, dialect }) : [];
  const query = buildRecordSelect({ resolver, where: [where], sort: keys, columns: ['id'] });
  const rows = await db.all<{ id: string }>(query.sql, query.params);
  const ids = rows.map((r) => r.id);
  // Ties of a multi-valued sort key may come in any order: compare sets then.
  return sortText?.startsWith('editors') ? ids.sort() : ids;
}

test('record filters select the same rows on both engines', async () => {
  await fc.assert(
    fc.asyncProperty(filter, sort, fc.boolean(), async (node, sortText, client) => {
      let expected: string[];
      try {
        expected = await run(sqlite.db, node, sortText, client);
      } catch (err) {
        if (err instanceof FilterError) {
          await assert.rejects(run(postgres.db, node, sortText, client), FilterError);
          return;
        }
        throw err;
      }
      assert.deepEqual(await run(postgres.db, node, sortText, client), expected);
    }),
    { numRuns: 1000 },
  );
});
