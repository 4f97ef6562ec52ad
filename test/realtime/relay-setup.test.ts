// How the realtime relay is set up: the --realtime-broker option, which apps get a relay, a
// broker that cannot be reached, and the broker channel's name per database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { openApp } from '../../src/app/index.js';
import { deploymentId } from '../../src/app/realtime-broker.js';
import { openPostgres } from '../../src/db/postgres/index.js';
import { openTestDatabase } from '../../src/db/testing.js';
import { startTestApp } from '../support/app.js';
import { tempDir } from '../support/server.js';

const REDIS_URL = process.env.PLINTH_TEST_REDIS_URL || 'redis://127.0.0.1:6379';

test('--realtime-broker / PLINTH_REALTIME_BROKER: a redis://, rediss:// or nats:// URL', () => {
  assert.equal(loadConfig({ realtimeBroker: 'redis://10.0.0.5:6379' }, { env: {} }).realtimeBroker, 'redis://10.0.0.5:6379');
  assert.equal(loadConfig({}, { env: { PLINTH_REALTIME_BROKER: 'nats://n1:4222' } }).realtimeBroker, 'nats://n1:4222');
  assert.equal(loadConfig({ realtimeBroker: 'rediss://h:6380' }, { env: { PLINTH_REALTIME_BROKER: 'nats://n1:4222' } }).realtimeBroker, 'rediss://h:6380');
  assert.equal(loadConfig({}, { env: {} }).realtimeBroker, null);
  assert.throws(() => loadConfig({ realtimeBroker: 'amqp://mq:5672' }, { env: {} }), ConfigError);
  assert.throws(() => loadConfig({ realtimeBroker: '127.0.0.1:6379' }, { env: {} }), ConfigError);
});

test('a relay exists on PostgreSQL, not on SQLite (one node), even with a broker configured', async () => {
  const lone = await startTestApp('sqlite', { realtimeBroker: REDIS_URL });
  const shared = await startTestApp('postgres');
  try {
    assert.equal(lone.app.core.realtimeRelay, null);
    assert.notEqual(shared.app.core.realtimeRelay, null);
  } finally {
    await lone.close();
    await shared.close();
  }
});

test('a broker that cannot be reached when serving starts is an error, not a hang', async () => {
  const database = await openTestDatabase('postgres');
  try {
    // Port 1: nothing listens there, the connection is refused at once.
    for (const broker of ['redis://127.0.0.1:1', 'nats://127.0.0.1:1']) {
      const config = loadConfig({ dir: tempDir(), http: '127.0.0.1:0', db: database.url!, realtimeBroker: broker }, { env: {} });
      const app = await openApp(config, { logger: pino({ level: 'silent' }) });
      try {
        await assert.rejects(app.listen(), /could not connect to the (Redis|NATS) realtime broker/);
      } finally {
        await app.close();
      }
    }
  } finally {
    await database.cleanup();
  }
});

test('the broker channel is the same for the nodes of one schema, another for another schema', async () => {
  const one = await openTestDatabase('postgres');
  const two = await openTestDatabase('postgres');
  const oneAgain = await openPostgres({ url: one.url! });
  try {
    const id = await deploymentId(one.db);
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.equal(await deploymentId(oneAgain), id);
    assert.notEqual(await deploymentId(two.db), id);
  } finally {
    await oneAgain.close();
    await one.cleanup();
    await two.cleanup();
  }
});
