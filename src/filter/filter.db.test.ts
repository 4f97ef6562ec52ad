// The filter case table executed on real SQLite and PostgreSQL: both engines must return
// exactly the expected rows.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { forEachDialect } from '../db/testing.js';
import { FILTER_CASES, SORT_CASES } from './filter-cases.js';
import { ALL_IDS, queryIds, seed } from './test-fixture.js';

forEachDialect(
  (_dialect, getDb) => {
    before(async () => {
      await seed(getDb());
    });

    test('filter cases', async () => {
      const failures: string[] = [];
      for (const c of FILTER_CASES) {
        const expected = c.ids === 'all' ? ALL_IDS : [...c.ids];
        let actual: string[] | string;
        try {
          actual = await queryIds(getDb(), c.filter);
        } catch (err) {
          actual = `error: ${(err as Error).message}`;
        }
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          failures.push(`${c.filter}\n    expected ${JSON.stringify(expected)}\n    actual   ${JSON.stringify(actual)}`);
        }
      }
      assert.deepEqual(failures, []);
    });

    test('sort cases', async () => {
      const failures: string[] = [];
      for (const c of SORT_CASES) {
        let actual: string[] | string;
        try {
          actual = await queryIds(getDb(), "id != ''", c.sort);
        } catch (err) {
          actual = `error: ${(err as Error).message}`;
        }
        if (JSON.stringify(actual) !== JSON.stringify(c.ids)) {
          failures.push(`${c.sort}\n    expected ${JSON.stringify(c.ids)}\n    actual   ${JSON.stringify(actual)}`);
        }
      }
      assert.deepEqual(failures, []);
    });

    test('@random returns every row', async () => {
      const ids = await queryIds(getDb(), "id != ''", '@random');
      assert.deepEqual([...ids].sort(), ALL_IDS);
    });
  },
  { title: 'filter on a real database' },
);
