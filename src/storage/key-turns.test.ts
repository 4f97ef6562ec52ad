import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyTurns } from './key-turns.js';

function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

test('writes to one key run one after another; other keys do not wait', async () => {
  const turns = new KeyTurns();
  const order: string[] = [];
  const first = gate();
  const a1 = turns.run('a', async () => {
    order.push('a1 start');
    await first.opened;
    order.push('a1 end');
  });
  const a2 = turns.run('a', async () => {
    order.push('a2');
  });
  await turns.run('b', async () => {
    order.push('b');
  });
  assert.deepEqual(order, ['a1 start', 'b']);
  first.open();
  await Promise.all([a1, a2]);
  assert.deepEqual(order, ['a1 start', 'b', 'a1 end', 'a2']);
});

test('a failed turn passes its error on and lets the next one run', async () => {
  const turns = new KeyTurns();
  const failed = turns.run('k', async () => {
    throw new Error('disk full');
  });
  const next = turns.run('k', async () => 'ran');
  await assert.rejects(failed, /disk full/);
  assert.equal(await next, 'ran');
});
