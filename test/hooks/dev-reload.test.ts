// `plinth serve --dev`: a changed hook file takes effect without a restart — the database and
// the records in it stay, requests keep being answered — and a broken edit keeps the previous
// version running. (Reloading touches no SQL, so one engine is enough here.)
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startServer, type RunningServer } from '../support/server.js';
import { projectCopy } from './project.js';

let server: RunningServer | null = null;
after(() => server?.stop());

const greeting = (word: string) =>
  `export default (plinth) => {\n  plinth.routerAdd('GET', '/api/greeting', (e) => e.json(200, { word: ${JSON.stringify(word)} }));\n};\n`;

/** Asks until the answer satisfies `done` (the reload is noticed by a file watcher, not on cue). */
async function until<T>(ask: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await ask();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('hook files reload on change; a broken edit keeps the last good version', async () => {
  const project = projectCopy('sample-project', ['jose']);
  const file = join(project, 'plinth_hooks/30_greeting.js');
  writeFileSync(file, greeting('hello'));
  server = await startServer({ cwd: project, extraArgs: ['--dev'] });
  const url = server.url;
  const word = async () => ((await (await fetch(`${url}/api/greeting`)).json()) as { word?: string }).word;
  assert.equal(await word(), 'hello');
  const order = await fetch(`${url}/api/collections/orders/records`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ item: 'widget', quantity: 1 }),
  });
  assert.equal(order.status, 200);

  writeFileSync(file, greeting('bonjour'));
  assert.equal(await until(word, (w) => w === 'bonjour'), 'bonjour');

  writeFileSync(file, 'export default (plinth) => {\n  plinth.routerAdd("GET", "/api/greeting", (e) => e.json(200, {);\n};\n');
  // The broken version is reported and the previous one keeps answering.
  await until(async () => server!.output(), (out) => out.includes('hooks not reloaded'));
  assert.match(server.output(), /30_greeting\.js:2:\d+/);
  assert.equal(await word(), 'bonjour');

  // The other hooks came back with each reload, and the data is still there.
  const list = (await (await fetch(`${url}/api/collections/orders/records`)).json()) as { totalItems: number };
  assert.equal(list.totalItems, 2); // the seeded order and this one
  const unknown = await fetch(`${url}/api/collections/orders/records`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ item: 'unicorn', quantity: 1 }),
  });
  assert.equal(unknown.status, 400);

  // Development keeps the collection types next to the project for hooks and front ends.
  assert.match(readFileSync(join(project, 'plinth_types.ts'), 'utf8'), /export interface OrdersRecord\b/);
});
