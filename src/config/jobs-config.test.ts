import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, DEFAULT_WEBHOOK_RETRIES, loadConfig, parseDuration } from './index.js';

test('durations: units, bare milliseconds, and nothing a timer cannot hold', () => {
  assert.equal(parseDuration('250ms', 'x'), 250);
  assert.equal(parseDuration('5s', 'x'), 5000);
  assert.equal(parseDuration('1.5m', 'x'), 90_000);
  assert.equal(parseDuration('2h', 'x'), 7_200_000);
  assert.equal(parseDuration('40', 'x'), 40);
  for (const bad of ['', '0', '-1s', '5 days', 'soon', '1000h']) assert.throws(() => parseDuration(bad, 'x'), ConfigError, bad);
});

test('job and webhook settings from flags and environment, flags winning', () => {
  const defaults = loadConfig({}, { env: {} });
  assert.deepEqual(defaults.jobs, { workers: true, pollMs: 1000, leaseMs: 30_000 });
  assert.deepEqual(defaults.webhookRetries, DEFAULT_WEBHOOK_RETRIES);
  assert.deepEqual(defaults.outboundAllow, []);
  const set = loadConfig(
    { jobPoll: '50ms', outboundAllow: '127.0.0.1/32,10.0.0.0/8' },
    { env: { PLINTH_JOB_WORKERS: 'false', PLINTH_JOB_POLL: '5s', PLINTH_JOB_LEASE: '1m', PLINTH_WEBHOOK_RETRIES: '1s,2s' } },
  );
  assert.deepEqual(set.jobs, { workers: false, pollMs: 50, leaseMs: 60_000 });
  assert.deepEqual(set.webhookRetries, [1000, 2000]);
  assert.deepEqual(set.outboundAllow, ['127.0.0.1/32', '10.0.0.0/8']);
  assert.throws(() => loadConfig({ outboundAllow: 'not-an-ip' }, { env: {} }), /outbound allowlist/);
  assert.throws(() => loadConfig({ webhookRetries: ',' }, { env: {} }), /webhook retries/);
  assert.throws(() => loadConfig({ jobWorkers: 'maybe' }, { env: {} }), /job workers/);
});
