// /api/crons through the real HTTP edge (createHttpServer), with a stand-in authenticator:
// the auth header names the principal.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { CronScheduler } from '../../core/cron/index.js';
import type { RecordModel } from '../../core/records/record.js';
import { GUEST, type AuthState } from '../context.js';
import { createHttpServer } from '../server.js';
import { cronRoutes } from './crons.js';

const someRecord = {} as RecordModel;
const principals: Record<string, AuthState> = {
  superuser: { record: someRecord, isSuperuser: true },
  user: { record: someRecord, isSuperuser: false },
};

describe('cron routes', () => {
  const logger = pino({ level: 'silent' });
  const scheduler = new CronScheduler({ clock: { now: () => new Date('2026-03-04T05:06:00Z') }, logger });
  const runs: string[] = [];
  scheduler.add('zeta', '@daily', () => void runs.push('zeta'));
  scheduler.add('alpha', '*/5 * * * *', async () => {
    await Promise.resolve();
    runs.push('alpha');
  });
  scheduler.add('broken', '@hourly', () => Promise.reject(new Error('secret detail')));
  const server = createHttpServer({
    routes: cronRoutes(scheduler),
    authenticate: (header) => Promise.resolve(principals[header] ?? GUEST),
    logger,
  });
  let base = '';
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const call = (method: string, path: string, who?: string) =>
    fetch(base + path, { method, headers: who ? { Authorization: who } : {} });

  test('GET lists the jobs sorted by id', async () => {
    const res = await call('GET', '/api/crons', 'superuser');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), [
      { id: 'alpha', expression: '*/5 * * * *' },
      { id: 'broken', expression: '@hourly' },
      { id: 'zeta', expression: '@daily' },
    ]);
  });

  test('POST runs the job and answers 204 once it is done', async () => {
    const res = await call('POST', '/api/crons/alpha', 'superuser');
    assert.equal(res.status, 204);
    assert.deepEqual(runs, ['alpha']);
  });

  test('unknown job → 404', async () => {
    const res = await call('POST', '/api/crons/nope', 'superuser');
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { status: 404, message: 'Missing or invalid cron job.', data: {} });
  });

  test('a failing job → 500 without its error text', async () => {
    const res = await call('POST', '/api/crons/broken', 'superuser');
    assert.equal(res.status, 500);
    assert.doesNotMatch(await res.text(), /secret detail/);
  });

  for (const [method, path] of [
    ['GET', '/api/crons'],
    ['POST', '/api/crons/zeta'],
  ] as const) {
    test(`${method} ${path}: guest 401, plain user 403, and nothing runs`, async () => {
      assert.equal((await call(method, path)).status, 401);
      assert.equal((await call(method, path, 'user')).status, 403);
      assert.ok(!runs.includes('zeta'));
    });
  }
});
