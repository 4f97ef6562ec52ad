import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { openSqlite } from '../../../db/sqlite/index.js';
import { forEachDialect } from '../../../db/testing.js';
import { insertCollectionRow, readAllCollections } from '../collection-store.js';
import { collectionsTableDdl } from '../collections-table.js';
import type { Collection } from '../model.js';
import { syncRecordTable } from '../schema/sync-record-table.js';
import { ViewQueryError } from './view-query.js';
import { createViewFields, saveViewCollection } from './view-schema.js';

/** The fixture's collections, loaded from a copy of PocketBase's test data.db. */
async function loadFixtureCollections(): Promise<Collection[]> {
  const dir = await mkdtemp(join(tmpdir(), 'plinth-views-'));
  try {
    await copyFile('/work/shared/pocketbase-compat/fixture/data.db', join(dir, 'data.db'));
    const db = await openSqlite({ file: join(dir, 'data.db') });
    try {
      return await readAllCollections(db);
    } finally {
      await db.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface Case {
  name: string;
  query: string;
  /** Field name → type, in order; undefined when the query must be rejected. */
  expected?: Record<string, string>;
  /** SQLite-only syntax (bracket or backtick quoting, total()). */
  sqliteOnly?: boolean;
}

const CASES: Case[] = [
  { name: 'empty query', query: '' },
  { name: 'not a query', query: 'test 123456' },
  { name: 'missing table', query: 'select id from missing' },
  { name: 'wildcard column', query: 'select a.id, a.* from demo1 a' },
  { name: 'wildcard in a wrapping query', query: 'select * from (select 1 as id) t' },
  { name: 'no id column', query: 'select text, url, created, updated from demo1' },
  {
    name: 'comments everywhere',
    query: `
      select
      -- single line
      demo1.id,
      demo1.text,
      /* multi
       * line */
      demo1.url, demo1.created, demo1.updated from/* inline */demo1
      -- before join
      join demo2 ON (
        -- inside join
        demo2.id = demo1.id
      )
      where (demo2.id = demo1.id)`,
    expected: { id: 'text', text: 'text', url: 'url', created: 'autodate', updated: 'autodate' },
  },
  {
    name: 'all field types with double-quoted identifiers',
    query: `select "id", "created", "updated", "text", "bool", "url", "select_one", "select_many",
      "file_one", "demo1"."file_many", "demo1"."number" number_alias, "email", "datetime", "json",
      "rel_one", "rel_many", 'single_quoted_custom_literal' as "single_quoted_column" from demo1`,
    expected: {
      id: 'text',
      created: 'autodate',
      updated: 'autodate',
      text: 'text',
      bool: 'bool',
      url: 'url',
      select_one: 'select',
      select_many: 'select',
      file_one: 'file',
      file_many: 'file',
      number_alias: 'number',
      email: 'email',
      datetime: 'date',
      json: 'json',
      rel_one: 'relation',
      rel_many: 'relation',
      single_quoted_column: 'json',
    },
  },
  {
    name: 'bracket, backtick and single-quoted aliases',
    sqliteOnly: true,
    query: "select id, [text], `bool`, `demo1`.`number` n, 'x' as 'quoted' from demo1",
    expected: { id: 'text', text: 'text', bool: 'bool', n: 'number', quoted: 'json' },
  },
  {
    name: 'ids of joined tables become relations',
    query: 'select a.id, b.id as bid, b.created from demo1 as a left join demo2 b on true',
    expected: { id: 'text', bid: 'relation', created: 'autodate' },
  },
  {
    name: 'several froms, joins and alias styles',
    query: `select a.id as id, b.id as bid, lj.id cid, ij.id as did, a.bool, _superusers.id as eid, _superusers.email
      from demo1 a, demo2 as b
      left join demo3 lj on lj.id = '123'
      inner join demo4 as ij on ij.id = '123'
      join _superusers on true
      where 1=1 limit 10`,
    expected: { id: 'text', bid: 'relation', cid: 'relation', did: 'relation', bool: 'bool', eid: 'relation', email: 'email' },
  },
  {
    name: 'aggregates and casts',
    query: `select a.id, count(a.id) count, cast(a.number as int) cast_int, cast(a.number as integer) cast_integer,
      cast(a.number as real) cast_real, cast(a.number as decimal) cast_decimal, cast(a.number as numeric) cast_numeric,
      cast(a.id as text) cast_text, cast(a.bool as bool) cast_bool, cast(a.bool as boolean) cast_boolean,
      avg(a.number) avg, sum(a.number) sum, min(a.number) min, max(a.number) max
      from demo1 a group by a.id`,
    expected: {
      id: 'text',
      count: 'number',
      cast_int: 'number',
      cast_integer: 'number',
      cast_real: 'number',
      cast_decimal: 'number',
      cast_numeric: 'number',
      cast_text: 'text',
      cast_bool: 'bool',
      cast_boolean: 'bool',
      avg: 'json',
      sum: 'json',
      min: 'json',
      max: 'json',
    },
  },
  {
    name: 'total() is SQLite',
    sqliteOnly: true,
    query: 'select a.id, total(a.number) t from demo1 a group by a.id',
    expected: { id: 'text', t: 'number' },
  },
  {
    name: 'multi-line, oddly cased casts',
    query: `select id, CaSt( (case when count(a.id) = 1 then 21 else 0 end) aS iNt ) as cast_int from demo1 a group by a.id`,
    expected: { id: 'text', cast_int: 'number' },
  },
  {
    // PostgreSQL folds unquoted names to lower case, so camelCase columns are quoted there.
    name: 'auth collection system fields',
    query: 'select a.id, a.username, a.email, a."emailVisibility", a.verified, demo1.id relid from users a left join demo1 on true',
    expected: { id: 'text', username: 'text', email: 'email', emailVisibility: 'bool', verified: 'bool', relid: 'relation' },
  },
  {
    name: 'unknown columns and aliases',
    query: `select id, id as id2, text as text_alias, url as url_alias, "demo1"."bool" as bool_alias,
      number as number_alias, created created_alias, 123 as custom from demo1`,
    expected: {
      id: 'text',
      id2: 'relation',
      text_alias: 'text',
      url_alias: 'url',
      bool_alias: 'bool',
      number_alias: 'number',
      created_alias: 'autodate',
      custom: 'json',
    },
  },
  {
    name: 'distinct and the id column not first',
    query: 'select distinct id as id2, id, 123 as custom from demo1',
    expected: { id2: 'relation', id: 'text', custom: 'json' },
  },
];

forEachDialect(
  (dialect, getDb) => {
    let collections: Collection[] = [];

    before(async () => {
      collections = await loadFixtureCollections();
      await getDb().transaction(async (tx) => {
        await tx.exec(collectionsTableDdl(dialect));
        for (const c of collections) {
          if (c.type === 'view') await saveViewCollection(tx, c, null);
          else await syncRecordTable(tx, c, null);
          await insertCollectionRow(tx, c);
        }
      });
    });

    for (const c of CASES) {
      if (c.sqliteOnly && dialect !== 'sqlite') continue;
      test(c.name, async () => {
        const run = getDb().transaction((tx) => createViewFields(tx, c.query, collections, { randomSuffix: () => 'abcd' }));
        if (!c.expected) {
          await assert.rejects(run, ViewQueryError);
          return;
        }
        const fields = await run;
        assert.deepEqual(Object.fromEntries(fields.map((f) => [f.name, f.type])), c.expected);
        assert.deepEqual(
          fields.map((f) => f.name),
          Object.keys(c.expected),
        );
      });
    }

    test('cloned fields keep their options, get distinct ids and the alias as name', async () => {
      let n = 0;
      const fields = await getDb().transaction((tx) =>
        createViewFields(tx, 'select id, username as u1, username as u2, email from clients', collections, {
          randomSuffix: () => `c${++n}`,
        }),
      );
      const source = collections.find((c) => c.name === 'clients')!.fields.find((f) => f.name === 'username')!;
      const [id, u1, u2, email] = fields;
      assert.equal(id?.id, 'text3208210256');
      assert.deepEqual({ ...u1, id: source.id, name: source.name }, source);
      assert.deepEqual([u1?.name, u2?.name], ['u1', 'u2']);
      assert.deepEqual([u1?.id, u2?.id, email?.id], ['_clone_c1', '_clone_c2', '_clone_c3']);
      assert.equal(email?.type, 'email');
      assert.ok(email?.system, 'a system source field stays a system field');
    });

    test('the fixture views exist and return rows', async () => {
      const rows = await getDb().all('SELECT * FROM view2');
      assert.ok(Array.isArray(rows));
      const numeric = await getDb().all<{ id: unknown }>('SELECT id FROM numeric_id_view');
      for (const r of numeric) assert.equal(typeof r.id, 'string');
    });
  },
  { title: 'view field inference' },
);
