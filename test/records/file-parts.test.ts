// Until files are stored, a record write that carries file parts is refused whole.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../support/app.js';

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`file parts [${dialect}]`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(dialect);
      await t.app.core.collections.create({
        name: 'docs',
        type: 'base',
        listRule: '',
        createRule: '',
        fields: [
          { name: 'title', type: 'text' },
          { name: 'attachment', type: 'file', maxSelect: 1 },
        ],
      });
      await t.app.core.reload();
    });
    after(async () => {
      await t?.close();
    });

    test('a multipart create with a file is a 400 and writes nothing', async () => {
      const form = new FormData();
      form.set('title', 'with file');
      form.set('attachment', new Blob(['hello']), 'hello.txt');
      const res = await fetch(`${t.url}/api/collections/docs/records`, { method: 'POST', body: form });
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as { message: string }).message, /File uploads are not supported yet/);
      const list = (await (await fetch(`${t.url}/api/collections/docs/records`)).json()) as { totalItems: number };
      assert.equal(list.totalItems, 0);
      // The same form without the file part is accepted.
      const plain = new FormData();
      plain.set('title', 'no file');
      assert.equal((await fetch(`${t.url}/api/collections/docs/records`, { method: 'POST', body: plain })).status, 200);
    });
  });
}
