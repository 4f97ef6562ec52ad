// A PocketBase data directory's storage is served as it is: the original, thumbnails
// PocketBase made earlier (read from the store, not made again), their `.attrs` content
// types and MD5s as ETags, and files listed by a view collection.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/app.js';
import { copyDir } from '../support/server.js';
import { fixtureSkip, POCKETBASE_FIXTURE } from '../support/pocketbase-fixture.js';

const USER_DIR = '_pb_users_auth_/4q1xlclmfloku33';
const AVATAR = '300_1SEi6Q6U72.png';

describe('PocketBase fixture storage [sqlite]', fixtureSkip(), () => {
  let t: TestApp;
  let dir: string;
  const puts: string[] = [];
  const stored = (path: string) => readFileSync(join(dir, 'storage', path));

  before(async () => {
    dir = copyDir(POCKETBASE_FIXTURE!);
    t = await startTestApp('sqlite', { dir });
    const store = t.app.core.files.current();
    const put = store.put.bind(store);
    store.put = (key, body, options) => {
      puts.push(key);
      return put(key, body, options);
    };
  });
  after(async () => {
    await t.close();
  });

  test('the original avatar, with the MD5 from its .attrs as ETag', async () => {
    const res = await fetch(`${t.url}/api/files/users/4q1xlclmfloku33/${AVATAR}`);
    assert.equal(res.status, 200);
    const body = Buffer.from(await res.arrayBuffer());
    assert.deepEqual(body, stored(`${USER_DIR}/${AVATAR}`));
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(res.headers.get('etag'), `"${createHash('md5').update(body).digest('hex')}"`);
  });

  test('thumbnails PocketBase made are served from the store, not made again', async () => {
    for (const size of ['100x100', '70x50t']) {
      const res = await fetch(`${t.url}/api/files/_pb_users_auth_/4q1xlclmfloku33/${AVATAR}?thumb=${size}`);
      assert.equal(res.status, 200, size);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), stored(`${USER_DIR}/thumbs_${AVATAR}/${size}_${AVATAR}`), size);
      assert.equal(res.headers.get('content-disposition'), `inline; filename=${size}_${AVATAR}`);
    }
    assert.deepEqual(puts, []);
  });

  test('a file listed by a view collection comes from the record it was uploaded to', async () => {
    // `file_many` is a public multi-file field of `demo1`, read through the view `view1`.
    const base = 'wsmn24bux7wo113/84nmscqy84lsi1t';
    const res = await fetch(`${t.url}/api/files/view1/84nmscqy84lsi1t/test_QZFjKjXchk.txt`);
    assert.equal(res.status, 200);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), stored(`${base}/test_QZFjKjXchk.txt`));
    const thumb = await fetch(`${t.url}/api/files/view1/84nmscqy84lsi1t/300_WlbFWSGmW9.png?thumb=100x100`);
    assert.equal(thumb.status, 200);
    assert.deepEqual(Buffer.from(await thumb.arrayBuffer()), stored(`${base}/thumbs_300_WlbFWSGmW9.png/100x100_300_WlbFWSGmW9.png`));
    // `file_one` is protected: no token, no file.
    assert.equal((await fetch(`${t.url}/api/files/view1/84nmscqy84lsi1t/test_d61b33QdDU.txt`)).status, 404);
  });
});
