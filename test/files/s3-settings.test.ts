// S3 through the settings, on both engines, against a real S3 protocol server (s3rver):
// POST /api/settings/test/s3 (PocketBase's checks and our failure messages), and turning
// S3 on and off with PATCH /api/settings, which moves new files between the stores.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { S3Settings } from '../../src/core/settings.js';
import { createS3Store } from '../../src/storage/index.js';
import type { BlobStore } from '../../src/storage/types.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startTestS3, type TestS3 } from '../support/s3.js';
import { freePort } from '../support/server.js';

type Who = 'guest' | 'user' | 'superuser';

async function keysIn(store: BlobStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  return keys;
}

let s3: TestS3;
let bucket: BlobStore;
before(async () => {
  s3 = await startTestS3();
  bucket = createS3Store(s3.settings());
});
after(async () => {
  await bucket?.close();
  await s3?.stop();
});

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`S3 settings [${dialect}]`, () => {
    let t: TestApp;
    const tokens: Record<Who, string | null> = { guest: null, user: null, superuser: null };
    const call = async (method: string, path: string, who: Who, body?: unknown) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (tokens[who]) headers.authorization = tokens[who]!;
      const res = await fetch(t.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, text, json: (text ? JSON.parse(text) : null) as Record<string, unknown> & { message?: string; data?: Record<string, unknown> } };
    };
    const login = async (collection: string, identity: string, password: string) =>
      (await call('POST', `/api/collections/${collection}/auth-with-password`, 'guest', { identity, password })).json.token as string;
    const patchS3 = async (section: 's3' | 'backups', s3Settings: Partial<S3Settings>) => {
      const body = section === 's3' ? { s3: s3Settings } : { backups: { s3: s3Settings } };
      const res = await call('PATCH', '/api/settings', 'superuser', body);
      assert.equal(res.status, 200, res.text);
    };

    before(async () => {
      t = await startTestApp(dialect);
      await t.app.core.superusers.create('root@example.com', 'root-password-1');
      tokens.superuser = await login('_superusers', 'root@example.com', 'root-password-1');
      const created = await call('POST', '/api/collections/users/records', 'superuser', { email: 'u@example.com', password: 'user-password-1', passwordConfirm: 'user-password-1' });
      assert.equal(created.status, 200, created.text);
      tokens.user = await login('users', 'u@example.com', 'user-password-1');
    });
    after(async () => {
      await t?.close();
    });

    test('only superusers may test S3', async () => {
      const guest = await call('POST', '/api/settings/test/s3', 'guest', { filesystem: 'storage' });
      assert.equal(guest.status, 401);
      const user = await call('POST', '/api/settings/test/s3', 'user', { filesystem: 'storage' });
      assert.equal(user.status, 403);
      assert.deepEqual(user.json.data, {});
    });

    test('the filesystem must be "storage" or "backups"', async () => {
      const missing = await call('POST', '/api/settings/test/s3', 'superuser', {});
      assert.equal(missing.status, 400);
      assert.deepEqual(Object.keys(missing.json.data!), ['filesystem']);
      const invalid = await call('POST', '/api/settings/test/s3', 'superuser', { filesystem: 'elsewhere' });
      assert.equal(invalid.status, 400);
      assert.equal((invalid.json.data!.filesystem as { code: string }).code, 'validation_in_invalid');
    });

    test('S3 switched off is reported as such', async () => {
      await patchS3('s3', { enabled: false });
      const res = await call('POST', '/api/settings/test/s3', 'superuser', { filesystem: 'storage' });
      assert.equal(res.status, 400);
      assert.match(res.json.message!, /S3 storage filesystem is not enabled/);
      assert.deepEqual(res.json.data, {});
    });

    test('a working S3 passes the test and keeps nothing of it', async () => {
      await patchS3('s3', s3.settings());
      const res = await call('POST', '/api/settings/test/s3', 'superuser', { filesystem: 'storage' });
      assert.equal(res.status, 204, res.text);
      assert.deepEqual(await keysIn(bucket, 'pb_settings_test_'), []);
    });

    test('the backups filesystem is tested with the backups settings', async () => {
      await patchS3('s3', { enabled: false });
      await patchS3('backups', { enabled: false });
      assert.equal((await call('POST', '/api/settings/test/s3', 'superuser', { filesystem: 'backups' })).status, 400);
      await patchS3('backups', s3.settings());
      const res = await call('POST', '/api/settings/test/s3', 'superuser', { filesystem: 'backups' });
      assert.equal(res.status, 204, res.text);
      await patchS3('backups', { enabled: false });
    });

    test('an endpoint nobody listens on gives a 400 that says so, without secrets', async () => {
      const port = await freePort();
      await patchS3('s3', s3.settings({ endpoint: `http://127.0.0.1:${port}`, secret: 'very-secret-value' }));
      const res = await call('POST', '/api/settings/test/s3', 'superuser', { filesystem: 'storage' });
      assert.equal(res.status, 400);
      assert.equal(res.json.message, 'Failed to test the S3 filesystem. Raw error: \nfailed to upload a test file: The S3 endpoint could not be reached.');
      assert.deepEqual(res.json.data, {});
      assert.doesNotMatch(res.text, /very-secret-value|ECONNREFUSED/);
    });

    test('refused credentials and a missing bucket are told apart', async () => {
      await patchS3('s3', s3.settings({ accessKey: 'UNKNOWN-KEY-ID' }));
      const denied = await call('POST', '/api/settings/test/s3', 'superuser', { filesystem: 'storage' });
      assert.equal(denied.status, 400);
      assert.match(denied.json.message!, /refused the access key and secret/);
      assert.doesNotMatch(denied.text, /UNKNOWN-KEY-ID|S3RVER/);
      await patchS3('s3', s3.settings({ bucket: 'not-a-bucket' }));
      const missing = await call('POST', '/api/settings/test/s3', 'superuser', { filesystem: 'storage' });
      assert.equal(missing.status, 400);
      assert.match(missing.json.message!, /bucket does not exist/);
    });

    test('turning S3 on sends new files to the bucket; turning it off brings them back to disk', async () => {
      const storageDir = join(t.app.config.dir, 'storage');
      const key = `switch_${dialect}/rec/on_s3.txt`;
      await patchS3('s3', s3.settings());
      await t.app.core.files.current().put(key, Readable.from([Buffer.from('in the bucket')]), { contentType: 'text/plain' });
      const inBucket = await bucket.get(key);
      assert.equal(inBucket?.contentType, 'text/plain');
      inBucket?.body.destroy();
      assert.equal(existsSync(join(storageDir, key)), false);

      await patchS3('s3', { enabled: false });
      const localKey = `switch_${dialect}/rec/on_disk.txt`;
      await t.app.core.files.current().put(localKey, Readable.from([Buffer.from('on disk')]), { contentType: 'text/plain' });
      assert.equal(existsSync(join(storageDir, localKey)), true);
      assert.equal(await bucket.stat(localKey), null);
      // Files are not copied between stores: the one written to S3 is not on disk now.
      assert.equal(await t.app.core.files.current().stat(key), null);
      await bucket.deletePrefix(`switch_${dialect}/`);
    });

    test('an app opened on saved S3 settings starts on S3', async () => {
      await patchS3('s3', s3.settings());
      const second = await startTestApp(dialect, { dir: t.app.config.dir, db: t.app.config.databaseUrl ?? undefined });
      const key = `restart_${dialect}/rec/a.txt`;
      try {
        await second.app.core.files.current().put(key, Readable.from([Buffer.from('a')]), { contentType: 'text/plain' });
      } finally {
        await second.close();
      }
      assert.equal((await bucket.stat(key))?.size, 1);
      await bucket.deletePrefix(`restart_${dialect}/`);
      await patchS3('s3', { enabled: false });
    });
  });
}
