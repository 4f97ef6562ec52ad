// `plinth migrate` over a project's migration files, on both engines: up, down, list,
// create, history-sync, and what a failing or unparsable file leaves behind.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { TEST_DIALECTS } from '../../src/db/testing.js';
import { startTestApp } from '../support/app.js';
import { columnsOf, createProject, recordedFiles, type TestProject } from './project.js';

const HEADER = `import type { MigrationContext } from 'plinth';\n`;

const CREATE_POSTS =
  HEADER +
  `export async function up(app: MigrationContext) {
  await app.collections.save({ name: 'posts', type: 'base', fields: [{ name: 'title', type: 'text' }] });
}
export async function down(app: MigrationContext) {
  await app.collections.delete('posts');
}
`;

const ADD_BODY =
  HEADER +
  `type Field = { name: string };
export async function up(app: MigrationContext) {
  const posts = await app.collections.find('posts');
  if (!posts) throw new Error('posts is missing');
  await app.collections.save({ ...posts, fields: [...(posts.fields as Field[]), { name: 'body', type: 'text' }] });
}
export async function down(app: MigrationContext) {
  const posts = await app.collections.find('posts');
  if (!posts) throw new Error('posts is missing');
  await app.collections.save({ ...posts, fields: (posts.fields as Field[]).filter((f) => f.name !== 'body') });
}
`;

const INSERT_POST =
  HEADER +
  `export async function up(app: MigrationContext) {
  await app.db.run('INSERT INTO posts (id, title, body) VALUES (?, ?, ?)', ['post00000000001', 'Hello', 'World']);
}
export async function down(app: MigrationContext) {
  await app.db.run('DELETE FROM posts WHERE id = ?', ['post00000000001']);
}
`;

const CHAIN = ['1700000100_create_posts.ts', '1700000200_add_body.ts', '1700000300_insert_post.ts'];

for (const dialect of TEST_DIALECTS) {
  describe(`migration files (${dialect})`, () => {
    let project: TestProject;
    beforeEach(async () => {
      project = await createProject(dialect);
    });
    afterEach(async () => {
      await project.cleanup();
    });

    test('a chain of three files goes up, two come down, and they go up again', async () => {
      [CREATE_POSTS, ADD_BODY, INSERT_POST].forEach((source, i) => project.write(CHAIN[i]!, source));

      const up = await project.migrate('up');
      assert.equal(up.code, 0, up.stderr);
      for (const file of CHAIN) assert.match(up.stdout, new RegExp(`applied ${file}`));
      await project.withApp(async (app) => {
        assert.deepEqual(await columnsOf(app, 'posts'), ['body', 'id', 'title']);
        assert.deepEqual(await app.db.all('SELECT title, body FROM posts'), [{ title: 'Hello', body: 'World' }]);
        assert.deepEqual(app.core.store.find('posts')?.fields.map((f) => f.name), ['id', 'title', 'body']);
      });

      const down = await project.migrate('down', '2');
      assert.equal(down.code, 0, down.stderr);
      assert.equal(down.stdout, `reverted ${CHAIN[2]}\nreverted ${CHAIN[1]}\n`);
      await project.withApp(async (app) => {
        assert.deepEqual(await columnsOf(app, 'posts'), ['id', 'title']);
        assert.deepEqual(await app.db.all('SELECT id FROM posts'), []);
        const recorded = await recordedFiles(app);
        assert.ok(recorded.includes(CHAIN[0]!));
        assert.ok(!recorded.includes(CHAIN[1]!) && !recorded.includes(CHAIN[2]!));
      });

      const again = await project.migrate('up');
      assert.equal(again.stdout, `applied ${CHAIN[1]}\napplied ${CHAIN[2]}\n`);
      const list = await project.migrate('list');
      for (const file of CHAIN) assert.match(list.stdout, new RegExp(`\\[x\\] ${file}`));
      assert.match(list.stdout, /\[x\] 1700000000_plinth_init\.js/);
      await project.withApp(async (app) => {
        assert.deepEqual(await app.db.all('SELECT title, body FROM posts'), [{ title: 'Hello', body: 'World' }]);
      });
    });

    test('a failing migration keeps the earlier ones and leaves nothing of itself', async () => {
      project.write(CHAIN[0]!, CREATE_POSTS);
      project.write(
        '1700000200_half_done.ts',
        HEADER +
          `export async function up(app: MigrationContext) {
  await app.collections.save({ name: 'tags', type: 'base', fields: [{ name: 'label', type: 'text' }] });
  await app.db.run('INSERT INTO no_such_table (id) VALUES (?)', ['x']);
}
`,
      );
      project.write('1700000300_never.ts', INSERT_POST);

      const up = await project.migrate('up');
      assert.equal(up.code, 1);
      assert.match(up.stderr, /migration 1700000200_half_done\.ts \(up\) failed: .*no_such_table/);
      await project.withApp(async (app) => {
        const recorded = await recordedFiles(app);
        assert.ok(recorded.includes(CHAIN[0]!));
        assert.ok(!recorded.includes('1700000200_half_done.ts') && !recorded.includes('1700000300_never.ts'));
        assert.ok(await app.db.tableExists('posts'));
        assert.equal(await app.db.tableExists('tags'), false);
        assert.equal(app.core.store.find('tags'), undefined);
      });
    });

    test('a file with a syntax error is reported with its name and line', async () => {
      project.write('1700000100_broken.ts', `${HEADER}export async function up(app: MigrationContext) {\n  const x = ;\n}\n`);
      const up = await project.migrate('up');
      assert.equal(up.code, 1);
      assert.match(up.stderr, /1700000100_broken\.ts:3:\d+: /);
    });

    test('history-sync forgets the recorded files that were removed', async () => {
      project.write(CHAIN[0]!, CREATE_POSTS);
      project.write('1700000200_noop.ts', `${HEADER}export async function up(_app: MigrationContext) {}\n`);
      assert.equal((await project.migrate('up')).code, 0);
      rmSync(join(project.migrationsDir, '1700000200_noop.ts'));

      const sync = await project.migrate('history-sync');
      assert.equal(sync.stdout, 'forgot 1700000200_noop.ts\n');
      await project.withApp(async (app) => {
        const recorded = await recordedFiles(app);
        assert.ok(recorded.includes(CHAIN[0]!));
        assert.ok(recorded.includes('1700000000_plinth_init.js'), 'system migrations stay recorded');
        assert.ok(!recorded.includes('1700000200_noop.ts'));
      });
      assert.match((await project.migrate('history-sync')).stdout, /Nothing to sync/);
    });

    test('opening the app (plinth serve) applies pending files after the system migrations', async () => {
      project.write(CHAIN[0]!, CREATE_POSTS);
      const t = await startTestApp(dialect, project.flags);
      try {
        assert.ok(t.app.core.store.find('posts'), 'the cache was reloaded after the migration');
        const recorded = await recordedFiles(t.app);
        assert.ok(recorded.indexOf('1700000000_plinth_init.js') < recorded.indexOf(CHAIN[0]!));
      } finally {
        await t.close();
      }
    });

    test('create writes an empty migration that applies and reverts', async () => {
      const created = await project.migrate('create', 'Add Things!');
      assert.equal(created.code, 0);
      const path = created.stdout.trim();
      assert.match(basename(path), /^\d+_add_things\.ts$/);
      assert.ok(existsSync(path));
      assert.match(readFileSync(path, 'utf8'), /export async function down\(app: MigrationContext\)/);
      assert.match((await project.migrate('up')).stdout, new RegExp(`applied ${basename(path)}`));
      assert.equal((await project.migrate('down')).stdout, `reverted ${basename(path)}\n`);
    });
  });
}
