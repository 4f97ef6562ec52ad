// Automigrate on both engines: collection changes made through the collections API become
// migration files that rebuild the same schema on a fresh database and revert it again; a
// `migrate collections` snapshot does the same. The generated files also type-check.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import ts from 'typescript';
import type { PlinthApp } from '../../src/app/index.js';
import { TEST_DIALECTS } from '../../src/db/testing.js';
import { startTestApp } from '../support/app.js';
import { columnsOf, createProject, recordedFiles, type TestProject } from './project.js';

const ROOT = resolve(import.meta.dirname, '../..');

type Json = ReturnType<typeof JSON.parse>;

/** What must match between two databases: each non-system collection and its table's columns. */
async function schemaOf(app: PlinthApp): Promise<Json[]> {
  const out: Json[] = [];
  for (const c of app.core.store.list().filter((c) => !c.system)) {
    const fields = c.fields.map((f) => ({ id: f.id, name: f.name, type: f.type }));
    out.push({ id: c.id, name: c.name, type: c.type, fields, indexes: c.indexes, listRule: c.listRule, columns: await columnsOf(app, c.name) });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Makes the collection changes through the HTTP API as a superuser; returns the resulting schema. */
async function changeThroughApi(project: TestProject, dialect: 'sqlite' | 'postgres'): Promise<Json[]> {
  const t = await startTestApp(dialect, { ...project.flags, automigrate: 'true' });
  try {
    await t.app.core.superusers.create('root@example.com', 'root-password-1');
    let token = '';
    const call = async (method: string, path: string, body?: unknown): Promise<Json> => {
      const headers: Record<string, string> = { 'content-type': 'application/json', authorization: token };
      const res = await fetch(t.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : null;
    };
    token = (await call('POST', '/api/collections/_superusers/auth-with-password', { identity: 'root@example.com', password: 'root-password-1' })).token;

    const posts = await call('POST', '/api/collections', { name: 'posts', type: 'base', fields: [{ name: 'title', type: 'text' }] });
    await call('PATCH', '/api/collections/posts', { fields: [...posts.fields, { name: 'body', type: 'text' }], listRule: '' });
    await call('POST', '/api/collections', {
      name: 'tags',
      type: 'base',
      fields: [{ name: 'label', type: 'text', required: true }, { name: 'post', type: 'relation', collectionId: posts.id, maxSelect: 1 }],
      indexes: ['CREATE UNIQUE INDEX idx_tags_label ON tags (label)'],
    });
    await call('POST', '/api/collections', { name: 'temp', type: 'base', fields: [] });
    await call('DELETE', '/api/collections/temp');
    await call('PUT', '/api/collections/import', {
      collections: [{ name: 'imported', type: 'base', fields: [{ name: 'n', type: 'number' }] }],
      deleteMissing: false,
    });
    const files = readdirSync(project.migrationsDir).sort();
    const kinds = files.map((f) => f.replace(/^\d+_/, ''));
    assert.deepEqual(kinds, ['created_posts.ts', 'updated_posts.ts', 'created_tags.ts', 'created_temp.ts', 'deleted_temp.ts', 'collections_import.ts']);
    const recorded = await recordedFiles(t.app);
    for (const file of files) assert.ok(recorded.includes(file), `${file} is recorded as applied`);
    return await schemaOf(t.app);
  } finally {
    await t.close();
  }
}

const projects: TestProject[] = [];
after(async () => {
  for (const p of projects) await p.cleanup();
});

for (const dialect of TEST_DIALECTS) {
  describe(`automigrate (${dialect})`, () => {
    test('the files written for API changes rebuild the schema on a fresh database, and revert it', async () => {
      const source = await createProject(dialect);
      projects.push(source);
      const expected = await changeThroughApi(source, dialect);
      assert.deepEqual(expected.map((c) => c.name), ['imported', 'posts', 'tags', 'users']);

      const replay = await createProject(dialect, source.migrationsDir);
      projects.push(replay);
      const up = await replay.migrate('up');
      assert.equal(up.code, 0, up.stderr);
      assert.deepEqual(await replay.withApp(schemaOf), expected);

      const fresh = await replay.withApp(async (app) => (await schemaOf(app)).filter((c) => c.name === 'users'));
      const down = await replay.migrate('down', '6');
      assert.equal(down.code, 0, down.stderr);
      assert.equal(down.stdout.split('\n').filter(Boolean).length, 6);
      assert.deepEqual(await replay.withApp(schemaOf), fresh);
    });

    test('a collections snapshot rebuilds the collections on a fresh database', async () => {
      const source = await createProject(dialect);
      projects.push(source);
      const expected = await changeThroughApi(source, dialect);
      const snapshotDir = join(source.root, 'snapshot');
      mkdirSync(snapshotDir);
      const written = await source.migrate('collections', '--migrations-dir', snapshotDir);
      assert.equal(written.code, 0, written.stderr);
      assert.match(written.stdout, /\d+_collections_snapshot\.ts\n$/);

      const replay = await createProject(dialect, snapshotDir);
      projects.push(replay);
      assert.equal((await replay.migrate('up')).code, 0);
      assert.deepEqual(await replay.withApp(schemaOf), expected);
    });
  });
}

test('generated migration files type-check against the MigrationContext type', async () => {
  const project = await createProject('sqlite');
  projects.push(project);
  await changeThroughApi(project, 'sqlite');
  assert.equal((await project.migrate('create', 'blank')).code, 0);
  assert.equal((await project.migrate('collections')).code, 0);
  const files = readdirSync(project.migrationsDir).map((f) => join(project.migrationsDir, f));
  assert.equal(files.length, 8);
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules/@types')],
    paths: { plinth: [join(ROOT, 'src/core/migrations/index.ts')] },
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  assert.deepEqual(diagnostics, []);
});
