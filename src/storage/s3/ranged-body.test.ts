import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { readAll } from '../blob-store-test-support.js';
import { exactRange } from './ranged-body.js';

const digits = () => Readable.from([Buffer.from('0123'), Buffer.from('4567'), Buffer.from('89')]);

test('an honoured range passes through untouched', async () => {
  const body = Readable.from([Buffer.from('2345')]);
  assert.equal(exactRange(body, { start: 2, end: 5 }, 'bytes 2-5/10'), body);
});

test('a whole object sent for a range is cut to the range', async () => {
  assert.equal((await readAll(exactRange(digits(), { start: 3, end: 6 }, undefined))).toString(), '3456');
  assert.equal((await readAll(exactRange(digits(), { start: 0, end: 0 }, undefined))).toString(), '0');
  assert.equal((await readAll(exactRange(digits(), { start: 8, end: 9 }, undefined))).toString(), '89');
});

test('a range served too long is cut at its end, and the source is released', async () => {
  const source = digits();
  const cut = exactRange(source, { start: 0, end: 0 }, 'bytes 0-9/10');
  assert.equal((await readAll(cut)).toString(), '0');
  await new Promise((resolve) => (source.destroyed ? resolve(null) : source.once('close', resolve)));
  assert.equal(source.destroyed, true);
});

test('a source error reaches the reader', async () => {
  const source = new Readable({ read() {} });
  const cut = exactRange(source, { start: 0, end: 100 }, undefined);
  source.push(Buffer.from('abc'));
  setImmediate(() => source.destroy(new Error('connection reset')));
  await assert.rejects(readAll(cut), /connection reset/);
});
