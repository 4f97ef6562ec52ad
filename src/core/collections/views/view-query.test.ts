import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normalizeViewSelectQuery, parseViewQuery, ViewQueryError } from './view-query.js';

describe('parseViewQuery', () => {
  test('columns with and without aliases, tables with aliases and joins', () => {
    const parsed = parseViewQuery(`
      select a.id, a.title as name, count(b.id) total, 'x' as "label"
      from demo1 a
      left join demo2 b on b.rel = a.id
      inner join \`users\` as u on u.id = a.owner
      where a.active = true group by a.id order by a.title limit 10`);
    assert.deepEqual(parsed.columns, [
      { original: 'a.id', alias: 'id' },
      { original: 'a.title', alias: 'name' },
      { original: 'count(b.id)', alias: 'total' },
      { original: "'x'", alias: 'label' },
    ]);
    assert.deepEqual(parsed.tables, [
      { original: 'demo1', alias: 'a' },
      { original: 'demo2', alias: 'b' },
      { original: 'users', alias: 'u' },
    ]);
  });

  test('distinct and comments are ignored', () => {
    const parsed = parseViewQuery('SELECT DISTINCT id, /* note */ name -- trailing\n FROM t');
    assert.deepEqual(
      parsed.columns.map((c) => c.alias),
      ['id', 'name'],
    );
    assert.deepEqual(parsed.tables, [{ original: 't', alias: 't' }]);
  });

  test('parenthesised expressions stay one column', () => {
    const parsed = parseViewQuery('select (ROW_NUMBER() OVER()) as id, CAST(x as TEXT) y from t');
    assert.deepEqual(parsed.columns, [
      { original: '(ROW_NUMBER() OVER())', alias: 'id' },
      { original: 'CAST(x as TEXT)', alias: 'y' },
    ]);
  });

  test('an unaliased multi-word expression is rejected', () => {
    assert.throws(() => parseViewQuery('select a + b from t'), ViewQueryError);
  });

  test('a whole query in parentheses gives no hints', () => {
    assert.deepEqual(parseViewQuery("(select 1 as id union select '' as id)"), { columns: [], tables: [] });
  });
});

describe('normalizeViewSelectQuery', () => {
  test('trims whitespace and trailing semicolons', () => {
    assert.equal(normalizeViewSelectQuery('  select 1 as id;; '), 'select 1 as id');
  });
  test('rejects several statements, but not semicolons in strings', () => {
    assert.throws(() => normalizeViewSelectQuery('select 1 as id; drop table x'), /multiple statements/);
    assert.equal(normalizeViewSelectQuery("select ';' as id"), "select ';' as id");
  });
});
