import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hook, TaggedHook, type TaggedEvent } from './hook.js';

class Seen implements TaggedEvent {
  log: string[] = [];
  constructor(private readonly tag = 'posts') {}
  next = async () => {};
  tags() {
    return [this.tag];
  }
}

const step = (name: string) => async (e: Seen) => {
  e.log.push(`${name}:before`);
  await e.next();
  e.log.push(`${name}:after`);
};

test('handlers run by priority, then in the order they were added, around the work', async () => {
  const hook = new Hook<Seen>();
  hook.bind({ func: step('b') });
  hook.bind({ func: step('first'), priority: -1 });
  hook.bind({ func: step('c') });
  const e = new Seen();
  await hook.trigger(e, (ev) => {
    ev.log.push('work');
  });
  assert.deepEqual(e.log, ['first:before', 'b:before', 'c:before', 'work', 'c:after', 'b:after', 'first:after']);
});

test('a handler that does not call next() stops the chain and the work', async () => {
  const hook = new Hook<Seen>();
  hook.bindFunc((e) => {
    e.log.push('stopper');
  });
  hook.bindFunc(step('never'));
  const e = new Seen();
  await hook.trigger(e, (ev) => {
    ev.log.push('work');
  });
  assert.deepEqual(e.log, ['stopper']);
});

test('calling next() twice runs the rest once', async () => {
  const hook = new Hook<Seen>();
  hook.bindFunc(async (e) => {
    await e.next();
    await e.next();
  });
  const e = new Seen();
  await hook.trigger(e, (ev) => {
    ev.log.push('work');
  });
  assert.deepEqual(e.log, ['work']);
});

test('an id replaces its handler in place; unbind removes it', async () => {
  const hook = new Hook<Seen>();
  hook.bind({ id: 'a', func: step('a1') });
  hook.bind({ id: 'b', func: step('b') });
  hook.bind({ id: 'a', func: step('a2') });
  const e = new Seen();
  await hook.trigger(e);
  assert.deepEqual(e.log, ['a2:before', 'b:before', 'b:after', 'a2:after']);
  hook.unbind('a');
  assert.equal(hook.length, 1);
});

test('a throwing handler fails the trigger and the work does not run', async () => {
  const hook = new Hook<Seen>();
  hook.bindFunc(() => {
    throw new Error('no');
  });
  let ran = false;
  await assert.rejects(
    hook.trigger(new Seen(), () => {
      ran = true;
    }),
    /no/,
  );
  assert.equal(ran, false);
});

test('an event passing through a nested chain gets its own next() back afterwards', async () => {
  const outer = new Hook<Seen>();
  const inner = new Hook<Seen>();
  inner.bindFunc(step('inner'));
  outer.bindFunc(async (e) => {
    await inner.trigger(e, (ev) => {
      ev.log.push('inner-work');
    });
    await e.next();
  });
  const e = new Seen();
  await outer.trigger(e, (ev) => {
    ev.log.push('outer-work');
  });
  assert.deepEqual(e.log, ['inner:before', 'inner-work', 'inner:after', 'outer-work']);
});

test('tagged handlers run for their collections only and pass the others on', async () => {
  const hook = new Hook<Seen>();
  new TaggedHook(hook, ['posts']).bindFunc(step('posts-only'));
  const posts = new Seen('posts');
  const other = new Seen('users');
  await hook.trigger(posts, (ev) => {
    ev.log.push('work');
  });
  await hook.trigger(other, (ev) => {
    ev.log.push('work');
  });
  assert.deepEqual(posts.log, ['posts-only:before', 'work', 'posts-only:after']);
  assert.deepEqual(other.log, ['work']);
});

test('actsOn tells whether any handler would act on an event with these tags', () => {
  const hook = new Hook<Seen>();
  assert.equal(hook.actsOn(['posts']), false);
  new TaggedHook(hook, ['orders']).bindFunc(step('orders'));
  assert.equal(hook.actsOn(['posts', 'pbc_1']), false);
  assert.equal(hook.actsOn(['orders']), true);
  hook.bindFunc(step('everything'));
  assert.equal(hook.actsOn(['posts']), true);
});
