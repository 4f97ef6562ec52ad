// The batch time limit: checked before every sub-request on both engines, and enforced inside
// a running statement on PostgreSQL (statement_timeout), so one slow sub-request cannot hold
// the transaction past the limit.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestDatabase, type TestDatabase } from '../../db/testing.js';
import { guestRequest } from '../rules/request-info.js';
import { isAppError } from '../errors/index.js';
import { runBatch, type BatchRequest } from './batch.js';
import type { RecordService } from './service.js';
import type { Database, Executor } from '../../db/types.js';

const SETTINGS = { enabled: true, maxRequests: 10, timeout: 1, maxBodySize: 0 };
const CREATE: BatchRequest = { method: 'POST', url: '/api/collections/notes/records', body: {} };

function failure(err: unknown): string {
  assert.ok(isAppError(err));
  const requests = (err.data as unknown as { requests: Record<string, { response: { message: string } }> }).requests;
  const [index, entry] = Object.entries(requests)[0]!;
  return `${index}: ${entry.response.message}`;
}

/** The batch's transaction comes from the record service (so its events wait for the commit). */
function transactionOf(db: Database) {
  return { transaction: (fn: (tx: Executor) => Promise<unknown>) => db.transaction(fn) };
}

/** A record service whose create runs `statement` in the batch transaction. */
function slowRecords(db: Database, statement: string): RecordService {
  return {
    ...transactionOf(db),
    async create(_ref: string, _request: unknown, _body: unknown, options: { exec: { run(sql: string): Promise<unknown> } }) {
      await options.exec.run(statement);
      return { id: 'x' };
    },
  } as unknown as RecordService;
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`batch time limit [${dialect}]`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await openTestDatabase(dialect);
    });
    after(() => t?.cleanup());

    test('a sub-request that starts after the limit fails the batch', async () => {
      let clock = 0;
      const now = () => clock;
      const records = {
        ...transactionOf(t.db),
        async create() {
          clock += 1500; // this sub-request used up the whole second
          return { id: 'x' };
        },
      } as unknown as RecordService;
      await assert.rejects(
        runBatch({ db: t.db, records }, [CREATE, CREATE], { request: guestRequest('POST'), settings: SETTINGS, present: (b) => b, now }),
        (err) => failure(err) === '1: Batch transaction timeout.',
      );
    });
  });
}

describe('batch time limit inside a statement [postgres]', () => {
  let t: TestDatabase;
  before(async () => {
    t = await openTestDatabase('postgres');
  });
  after(() => t?.cleanup());

  test('a statement running past the limit is cancelled and reported as the timeout', async () => {
    await assert.rejects(
      runBatch({ db: t.db, records: slowRecords(t.db, 'SELECT pg_sleep(30)') }, [CREATE], {
        request: guestRequest('POST'),
        settings: SETTINGS,
        present: (b) => b,
      }),
      (err) => failure(err) === '0: Batch transaction timeout.',
    );
  });
});
