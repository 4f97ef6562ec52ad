// The documentation's examples and the example project stay true:
// - every ```ts block of docs/hooks.md and docs/migrations.md names its file under
//   examples/docs/ and is that file, character for character (the files are type-checked with
//   the repository, so the docs are too); no example file is left unused;
// - examples/shop works as its README says, on both engines: its migrations build the shop,
//   its hooks validate, price and stock orders, its routes answer and its cron job closes
//   stale orders; the types in examples/docs/plinth_types.ts are what typegen makes of it.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/index.js';
import { createPlinth, type Plinth } from '../../src/app/plinth.js';
import { Hooks, hookRegistrations } from '../../src/core/hooks/index.js';
import { generateTypes } from '../../src/core/typegen/index.js';
import { TEST_DIALECTS } from '../../src/db/testing.js';
import { testDatabaseUrl } from '../support/app.js';
import { tempDir } from '../support/server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DOCS = ['docs/hooks.md', 'docs/migrations.md'];
const MARKER = /^\/\/ (examples\/docs\/[\w.-]+\.ts)$/;
/** Generated, not written for a page: checked against typegen below instead. */
const GENERATED = 'examples/docs/plinth_types.ts';

interface Block {
  doc: string;
  line: number;
  text: string;
}

/** The ```ts fenced blocks of a markdown file, each with the line its code starts on. */
function tsBlocks(doc: string): Block[] {
  const lines = readFileSync(join(ROOT, doc), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```ts') continue;
    const end = lines.indexOf('```', i + 1);
    assert.ok(end > i, `${doc}:${i + 1}: a \`\`\`ts block is not closed`);
    blocks.push({ doc, line: i + 2, text: `${lines.slice(i + 1, end).join('\n')}\n` });
    i = end;
  }
  return blocks;
}

describe('documentation examples', () => {
  test('the pages have examples', () => {
    assert.ok(tsBlocks('docs/hooks.md').length >= 20, 'docs/hooks.md should show its hooks in ```ts blocks');
    assert.ok(tsBlocks('docs/migrations.md').length >= 2, 'docs/migrations.md should show migration files');
  });

  test('every ```ts block names its file and is identical to it', () => {
    for (const block of DOCS.flatMap(tsBlocks)) {
      const first = block.text.split('\n')[0] ?? '';
      const marker = MARKER.exec(first);
      assert.ok(marker, `${block.doc}:${block.line}: the block must start with "// examples/docs/<name>.ts"`);
      const file = readFileSync(join(ROOT, marker[1]!), 'utf8');
      assert.equal(block.text, file, `${block.doc}:${block.line} differs from ${marker[1]}`);
    }
  });

  test('docs/hooks.md has a section for every hook of the catalog', () => {
    const page = readFileSync(join(ROOT, 'docs/hooks.md'), 'utf8');
    const missing = Object.keys(hookRegistrations(new Hooks())).filter((name) => !page.includes(`\n### ${name}(`));
    assert.deepEqual(missing, [], 'hooks without a "### onX(…)" section in docs/hooks.md');
  });

  test('each example file is shown once, and none is left out', () => {
    const shown = DOCS.flatMap(tsBlocks).map((b) => MARKER.exec(b.text.split('\n')[0] ?? '')?.[1]);
    assert.equal(new Set(shown).size, shown.length, 'an example file is shown twice');
    const files = readdirSync(join(ROOT, 'examples/docs'))
      .filter((name) => name.endsWith('.ts'))
      .map((name) => `examples/docs/${name}`)
      .filter((file) => file !== GENERATED);
    assert.deepEqual(files.filter((f) => !shown.includes(f)), [], 'example files no page shows');
  });
});

/** The shop copied to a temp dir, with `plinth` resolving to this repository's sources. */
function shopCopy(): string {
  const dir = tempDir('plinth-shop-');
  cpSync(join(ROOT, 'examples/shop'), dir, { recursive: true, filter: (src) => !/node_modules|\.plinth/.test(src) });
  return withPlinthPackage(dir);
}

/** Makes `import … from 'plinth'` in `dir`'s modules load this repository's sources, as an install would. */
function withPlinthPackage(dir: string): string {
  const plinth = join(dir, 'node_modules/plinth');
  mkdirSync(plinth, { recursive: true });
  writeFileSync(join(plinth, 'package.json'), JSON.stringify({ name: 'plinth', type: 'module', exports: './index.ts' }));
  writeFileSync(join(plinth, 'index.ts'), `export * from ${JSON.stringify(join(ROOT, 'src/index.ts'))};\n`);
  return dir;
}

type Json = ReturnType<typeof JSON.parse>;

for (const dialect of TEST_DIALECTS) {
  describe(`examples/shop [${dialect}]`, () => {
    let project: string;
    let plinth: Plinth;
    let url: string;
    let superuser: string;
    let cleanup: () => Promise<void>;

    const call = async (method: string, path: string, options: { body?: unknown; token?: string } = {}): Promise<{ status: number; json: Json }> => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (options.token) headers.authorization = options.token;
      const res = await fetch(url + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : null };
    };
    const stock = async (id: string) => (await call('GET', `/api/collections/products/records/${id}`)).json.stock as number;

    before(async () => {
      project = shopCopy();
      const database = await testDatabaseUrl(dialect);
      cleanup = database.cleanup;
      const config = loadConfig(
        {
          dir: join(project, 'plinth_data'),
          db: database.url,
          http: '127.0.0.1:0',
          hooksDir: join(project, 'plinth_hooks'),
          migrationsDir: join(project, 'plinth_migrations'),
        },
        { env: {} },
      );
      plinth = createPlinth({ config, logger: pino({ level: 'silent' }) });
      url = await plinth.start();
      await plinth.running!.core.superusers.create('root@example.com', 'root-password-1');
      const login = await call('POST', '/api/collections/_superusers/auth-with-password', {
        body: { identity: 'root@example.com', password: 'root-password-1' },
      });
      superuser = login.json.token;
    });
    after(async () => {
      await plinth?.stop();
      await cleanup?.();
      rmSync(project, { recursive: true, force: true });
    });

    test('the migrations created the collections and seeded the products', async () => {
      const list = await call('GET', '/api/collections/products/records?sort=name');
      assert.deepEqual(
        list.json.items.map((p: Json) => [p.name, p.price, p.stock]),
        [
          ['Gadget', 12, 10],
          ['Widget', 5, 100],
        ],
      );
    });

    test('an order is validated, priced by the server and takes its stock', async () => {
      const order = await call('POST', '/api/collections/orders/records', {
        body: { product: 'gadget000000001', quantity: 3, email: 'ada@example.com', total: 1, status: 'paid' },
      });
      assert.equal(order.status, 200, JSON.stringify(order.json));
      assert.equal(order.json.total, 36);
      assert.equal(order.json.status, 'open');
      assert.equal(await stock('gadget000000001'), 7);

      const tooMany = await call('POST', '/api/collections/orders/records', { body: { product: 'gadget000000001', quantity: 8, email: 'b@example.com' } });
      assert.equal(tooMany.status, 400);
      assert.equal(tooMany.json.data.quantity.code, 'out_of_stock');
      const none = await call('POST', '/api/collections/orders/records', { body: { product: 'widget000000001', quantity: 0, email: 'b@example.com' } });
      assert.equal(none.json.data.quantity.code, 'too_few');
      assert.equal(await stock('gadget000000001'), 7);
    });

    test('the routes answer: a public stock check, a summary for superusers only', async () => {
      const available = await call('GET', '/api/shop/products/widget000000001/availability');
      assert.deepEqual(available.json, { id: 'widget000000001', inStock: true, stock: 100 });
      assert.equal((await call('GET', '/api/shop/products/nothing/availability')).status, 404);
      assert.equal((await call('GET', '/api/shop/summary')).status, 401);
      const summary = await call('GET', '/api/shop/summary', { token: superuser });
      assert.deepEqual(summary.json, { open: 1, paid: 0, revenue: 0 });
    });

    test('the cron job closes orders open for a day and puts their stock back', async () => {
      const fresh = await call('POST', '/api/collections/orders/records', { body: { product: 'widget000000001', quantity: 2, email: 'c@example.com' } });
      const { db } = plinth.running!;
      // Make the gadget order (from the test above) two days old.
      await db.run(`UPDATE ${db.dialect.quoteIdent('orders')} SET ${db.dialect.quoteIdent('created')} = ? WHERE ${db.dialect.quoteIdent('quantity')} = ?`, [
        '2000-01-01 00:00:00.000Z',
        3,
      ]);
      const run = await call('POST', '/api/crons/closeStaleOrders', { token: superuser });
      assert.equal(run.status, 204);
      const orders = await call('GET', '/api/collections/orders/records?sort=quantity', { token: superuser });
      assert.deepEqual(
        orders.json.items.map((o: Json) => [o.quantity, o.status]),
        [
          [2, 'open'],
          [3, 'closed'],
        ],
      );
      assert.equal(fresh.json.status, 'open');
      assert.equal(await stock('gadget000000001'), 10);
      assert.equal(await stock('widget000000001'), 98);
    });

    test('examples/docs/plinth_types.ts is what typegen writes for the shop', () => {
      const expected = readFileSync(join(ROOT, GENERATED), 'utf8');
      assert.equal(generateTypes(plinth.running!.core.store.list()), expected, 'regenerate it from the shop (see examples/shop/README.md)');
    });
  });
}

for (const dialect of TEST_DIALECTS) {
  describe(`docs/migrations.md examples [${dialect}]`, () => {
    test('the two migration files apply at start, and revert', async () => {
      const project = withPlinthPackage(tempDir('plinth-migrations-'));
      mkdirSync(join(project, 'plinth_migrations'));
      cpSync(join(ROOT, 'examples/docs/migration-collection.ts'), join(project, 'plinth_migrations/1767225600_create_posts.ts'));
      cpSync(join(ROOT, 'examples/docs/migration-change.ts'), join(project, 'plinth_migrations/1767312000_posts_status.ts'));
      const database = await testDatabaseUrl(dialect);
      const config = loadConfig(
        { dir: join(project, 'plinth_data'), db: database.url, http: '127.0.0.1:0', hooksDir: '', migrationsDir: join(project, 'plinth_migrations') },
        { env: {} },
      );
      const plinth = createPlinth({ config, logger: pino({ level: 'silent' }) });
      try {
        await plinth.start();
        const running = plinth.running!;
        const posts = running.core.store.list().find((c) => c.name === 'posts');
        assert.ok(posts, 'posts was created');
        assert.deepEqual(
          posts.fields.map((f) => f.name),
          ['id', 'title', 'author', 'created', 'status'],
        );
        assert.equal(posts.listRule, 'status = "published"');
        const post = plinth.app.newRecord('posts', { title: 'Hello', status: 'draft' });
        await plinth.app.save(post);
        assert.deepEqual(await running.userMigrations.down(2), ['1767312000_posts_status.ts', '1767225600_create_posts.ts']);
        await running.core.store.reload();
        assert.equal(running.core.store.list().find((c) => c.name === 'posts'), undefined);
      } finally {
        await plinth.stop();
        await database.cleanup();
        rmSync(project, { recursive: true, force: true });
      }
    });
  });
}
