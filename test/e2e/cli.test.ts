// The `plinth` command line: help, usage errors, superuser management, the pb_data
// fallback and a clean stop on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCliToEnd, startServer, tempDir } from '../support/server.js';

test('--help prints usage and exits 0; no command or a bad flag exits 2', async () => {
  const help = await runCliToEnd(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: plinth <command>/);
  const serveHelp = await runCliToEnd(['serve', '--help']);
  assert.equal(serveHelp.code, 0);
  assert.match(serveHelp.stdout, /--http HOST:PORT/);
  const none = await runCliToEnd([]);
  assert.equal(none.code, 2);
  const badFlag = await runCliToEnd(['serve', '--nope']);
  assert.equal(badFlag.code, 2);
  assert.match(badFlag.stderr, /Usage: plinth serve/);
  const badAddress = await runCliToEnd(['serve', '--http', 'not-an-address']);
  assert.equal(badAddress.code, 2);
  const unknown = await runCliToEnd(['frobnicate']);
  assert.equal(unknown.code, 2);
  const badAction = await runCliToEnd(['superuser', 'promote', 'a@b.c']);
  assert.equal(badAction.code, 2);
});

test('superuser create, update and delete', async () => {
  const dir = tempDir();
  const create = await runCliToEnd(['superuser', 'create', 'root@example.com', 'long-password-1', '--dir', dir]);
  assert.equal(create.code, 0, create.stderr);
  const again = await runCliToEnd(['superuser', 'create', 'root@example.com', 'long-password-1', '--dir', dir]);
  assert.equal(again.code, 1);
  const short = await runCliToEnd(['superuser', 'create', 'other@example.com', 'short', '--dir', dir]);
  assert.equal(short.code, 1);
  assert.match(short.stderr, /password/);
  const update = await runCliToEnd(['superuser', 'update', 'root@example.com', 'new-long-password', '--dir', dir]);
  assert.equal(update.code, 0, update.stderr);
  const missing = await runCliToEnd(['superuser', 'delete', 'ghost@example.com', '--dir', dir]);
  assert.equal(missing.code, 1);
  // The only superuser cannot be deleted; a second one can.
  await runCliToEnd(['superuser', 'upsert', 'two@example.com', 'long-password-2', '--dir', dir]);
  const removed = await runCliToEnd(['superuser', 'delete', 'two@example.com', '--dir', dir]);
  assert.equal(removed.code, 0, removed.stderr);
  const last = await runCliToEnd(['superuser', 'delete', 'root@example.com', '--dir', dir]);
  assert.equal(last.code, 1);
  const list = await runCliToEnd(['migrate', 'list', '--dir', dir]);
  assert.equal(list.code, 0);
  assert.match(list.stdout, /\[x\] 1700000000_plinth_init\.js/);
});

test('without --dir an existing ./pb_data is served when ./plinth_data is absent', async () => {
  const cwd = tempDir();
  mkdirSync(join(cwd, 'pb_data'));
  const result = await runCliToEnd(['migrate', 'up'], { cwd });
  assert.equal(result.code, 0, result.stderr);
  assert.ok(existsSync(join(cwd, 'pb_data', 'data.db')));
  assert.ok(!existsSync(join(cwd, 'plinth_data')));
});

test('SIGTERM lets the server finish and exit 0', async () => {
  const server = await startServer();
  const res = await fetch(`${server.url}/api/health`);
  assert.equal(res.status, 200);
  assert.equal(await server.stop('SIGTERM'), 0);
  assert.match(server.output(), /SIGTERM received/);
});
