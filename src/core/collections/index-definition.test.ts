import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildIndex, findSingleColumnUniqueIndex, isValidIndex, parseIndex } from './index-definition.js';

describe('parseIndex', () => {
  test('unparsable text gives an invalid, empty definition', () => {
    const parsed = parseIndex('invalid');
    assert.equal(isValidIndex(parsed), false);
    assert.deepEqual(parsed.columns, []);
    assert.equal(parsed.indexName, '');
  });

  test('simple forms, with and without space before the column list', () => {
    for (const sql of ['create index indexname on tablename   (col1)', 'create index indexname on tablename(col1)']) {
      const parsed = parseIndex(sql);
      assert.equal(parsed.indexName, 'indexname');
      assert.equal(parsed.tableName, 'tablename');
      assert.deepEqual(parsed.columns, [{ name: 'col1', collate: '', sort: '' }]);
      assert.equal(parsed.unique, false);
    }
  });

  test('every part: unique, if not exists, schema, quoting, expressions, collate, sort, where', () => {
    const parsed = parseIndex(`CREATE UNIQUE INDEX IF NOT EXISTS "schemaname".[indexname] on 'tablename' (
        col0,
        \`col1\`,
        json_extract("col2", "$.a") asc,
        "col3" collate NOCASE,
        "col4" collate RTRIM desc
      ) where test = 1`);
    assert.deepEqual(parsed, {
      unique: true,
      optional: true,
      schemaName: 'schemaname',
      indexName: 'indexname',
      tableName: 'tablename',
      columns: [
        { name: 'col0', collate: '', sort: '' },
        { name: 'col1', collate: '', sort: '' },
        { name: 'json_extract("col2", "$.a")', collate: '', sort: 'ASC' },
        { name: 'col3', collate: 'NOCASE', sort: '' },
        { name: 'col4', collate: 'RTRIM', sort: 'DESC' },
      ],
      where: 'test = 1',
    });
  });

  test('unbalanced column list yields no columns', () => {
    assert.equal(isValidIndex(parseIndex('create index a on b (c, "d)')), false);
  });
});

describe('buildIndex', () => {
  test('invalid definitions build to an empty string', () => {
    assert.equal(buildIndex(parseIndex('nope')), '');
  });

  test('single column, canonical quoting', () => {
    assert.equal(
      buildIndex(parseIndex('create unique index idx_a on demo (title) where title != ""')),
      'CREATE UNIQUE INDEX `idx_a` ON `demo` (`title`) WHERE title != ""',
    );
  });

  test('several columns go one per line; expressions are kept verbatim', () => {
    assert.equal(
      buildIndex(parseIndex('CREATE INDEX IF NOT EXISTS s.i ON t (a COLLATE nocase desc, lower(b))')),
      'CREATE INDEX IF NOT EXISTS `s`.`i` ON `t` (\n  `a` COLLATE nocase DESC,\n  lower(b)\n)',
    );
  });

  test('parse ∘ build is stable', () => {
    const once = buildIndex(parseIndex('create index x on y (a, b asc) where a > 1'));
    assert.equal(buildIndex(parseIndex(once)), once);
  });
});

describe('findSingleColumnUniqueIndex', () => {
  const indexes = [
    'CREATE INDEX a ON t (email)',
    'CREATE UNIQUE INDEX b ON t (email, name)',
    "CREATE UNIQUE INDEX c ON t (`Email`) WHERE email != ''",
  ];
  test('finds a unique single-column index ignoring case and partial conditions', () => {
    assert.equal(findSingleColumnUniqueIndex(indexes, 'email')?.indexName, 'c');
  });
  test('non-unique or multi-column indexes do not count', () => {
    assert.equal(findSingleColumnUniqueIndex(indexes, 'name'), null);
    assert.equal(findSingleColumnUniqueIndex(indexes.slice(0, 2), 'email'), null);
  });
});
