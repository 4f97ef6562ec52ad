import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { IpList } from '../ip-address.js';
import { OutboundRefusedError } from './errors.js';
import { guardedLookup } from './guarded-lookup.js';
import type { ResolveAll } from './guarded-lookup.js';

const policy = { allow: IpList.parse([]).list };

/** A resolver that answers from a table, like a DNS server under someone else's control. */
function resolverFor(answers: Record<string, LookupAddress[]>): ResolveAll {
  return (hostname, _options, callback) => {
    const found = answers[hostname];
    if (found) callback(null, found);
    else callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
  };
}

function lookUp(resolve: ResolveAll, hostname: string, all: boolean) {
  return new Promise<{ err: Error | null; address: unknown; family: unknown }>((done) =>
    guardedLookup(policy, resolve)(hostname, { all }, (err, address, family) => done({ err, address, family })),
  );
}

const answers = resolverFor({
  'public.test': [
    { address: '93.184.216.34', family: 4 },
    { address: '2606:4700::1111', family: 6 },
  ],
  'mixed.test': [
    { address: '93.184.216.34', family: 4 },
    { address: '169.254.169.254', family: 4 },
  ],
  'mapped.test': [{ address: '::ffff:10.0.0.1', family: 6 }],
});

test('the socket gets exactly the addresses that were checked', async () => {
  const list = await lookUp(answers, 'public.test', true);
  assert.equal(list.err, null);
  assert.deepEqual(list.address, [
    { address: '93.184.216.34', family: 4 },
    { address: '2606:4700::1111', family: 6 },
  ]);
  const single = await lookUp(answers, 'public.test', false);
  assert.deepEqual([single.err, single.address, single.family], [null, '93.184.216.34', 4]);
});

test('one refused address among the answers refuses the name', async () => {
  for (const all of [true, false]) {
    const { err } = await lookUp(answers, 'mixed.test', all);
    assert.ok(err instanceof OutboundRefusedError);
    assert.equal(err.message, 'refused to connect to mixed.test resolves to 169.254.169.254: a link-local address (cloud metadata lives here)');
  }
  const mapped = await lookUp(answers, 'mapped.test', true);
  assert.match(mapped.err?.message ?? '', /private/);
});

test('resolver failures pass through for the client to report', async () => {
  const { err } = await lookUp(answers, 'missing.test', true);
  assert.equal((err as NodeJS.ErrnoException | null)?.code, 'ENOTFOUND');
  const empty = await lookUp(resolverFor({ 'empty.test': [] }), 'empty.test', true);
  assert.equal((empty.err as NodeJS.ErrnoException | null)?.code, 'ENOTFOUND');
});
