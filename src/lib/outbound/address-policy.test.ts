import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IpList } from '../ip-address.js';
import { refusalFor } from './address-policy.js';

const noExceptions = { allow: IpList.parse([]).list };

// address → a word the refusal must contain (null: allowed)
const TABLE: readonly [string, string | null][] = [
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'reserved'],
  ['10.0.0.1', 'private'],
  ['10.255.255.255', 'private'],
  ['100.64.0.1', 'carrier-grade NAT'],
  ['100.127.255.254', 'carrier-grade NAT'],
  ['127.0.0.1', 'loopback'],
  ['127.255.0.9', 'loopback'],
  ['169.254.169.254', 'link-local'],
  ['169.254.0.1', 'link-local'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.0.0.8', 'reserved'],
  ['192.0.2.10', 'documentation'],
  ['192.88.99.1', 'reserved'],
  ['192.168.1.1', 'private'],
  ['198.18.0.1', 'benchmarking'],
  ['198.19.255.255', 'benchmarking'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.7', 'documentation'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'broadcast'],
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['febf::1', 'link-local'],
  ['fc00::1', 'unique-local'],
  ['fd00:ec2::254', 'unique-local'],
  ['ff02::1', 'multicast'],
  ['2001:db8::1', 'documentation'],
  ['2001::1', 'reserved'],
  ['100::1', 'discard'],
  ['fec0::1', 'site-local'],
  ['::7f00:1', 'reserved'],
  ['4000::1', 'reserved'],
  // IPv6 forms that carry an IPv4 address are judged by that address.
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:169.254.169.254', 'link-local'],
  ['::ffff:10.0.0.1', 'private'],
  ['64:ff9b::127.0.0.1', 'NAT64 address for 127.0.0.1, a loopback'],
  ['64:ff9b::a9fe:a9fe', 'NAT64 address for 169.254.169.254'],
  ['64:ff9b:1::1', 'local-use NAT64'],
  ['2002:7f00:1::', '6to4 address for 127.0.0.1'],
  ['2002:c0a8:101::1', '6to4 address for 192.168.1.1, a private'],
  ['not-an-ip', 'not an IP address'],
  ['', 'not an IP address'],
  ['2130706433', 'not an IP address'],
  // Public unicast addresses pass.
  ['93.184.216.34', null],
  ['8.8.8.8', null],
  ['1.1.1.1', null],
  ['172.32.0.1', null],
  ['100.128.0.1', null],
  ['169.255.0.1', null],
  ['192.169.0.1', null],
  ['223.255.255.254', null],
  ['2606:4700::1111', null],
  ['2a00:1450:4001::200e', null],
  ['::ffff:93.184.216.34', null],
  ['64:ff9b::8.8.8.8', null],
  ['2002:5db8:d822::1', null],
];

test('refusalFor: internal, special-purpose and embedded addresses are refused; public unicast passes', () => {
  for (const [address, expected] of TABLE) {
    const refusal = refusalFor(address, noExceptions);
    if (expected === null) assert.equal(refusal, null, address);
    else assert.ok(refusal?.includes(expected), `${address}: got ${refusal}`);
  }
});

test('refusalFor: the allowlist makes exceptions, and only for what it lists', () => {
  const { list, invalid } = IpList.parse(['127.0.0.1/32', '10.1.0.0/16', 'fd00::/8']);
  assert.deepEqual(invalid, []);
  const policy = { allow: list };
  assert.equal(refusalFor('127.0.0.1', policy), null);
  assert.equal(refusalFor('::ffff:127.0.0.1', policy), null);
  assert.match(refusalFor('127.0.0.2', policy) ?? '', /loopback/);
  assert.match(refusalFor('::1', policy) ?? '', /loopback/);
  assert.equal(refusalFor('10.1.200.3', policy), null);
  assert.match(refusalFor('10.2.0.1', policy) ?? '', /private/);
  assert.equal(refusalFor('fd00:ec2::254', policy), null);
  assert.match(refusalFor('fc00::1', policy) ?? '', /unique-local/);
  // An embedded address that is allowlisted is allowed through its embedding too.
  assert.equal(refusalFor('64:ff9b::127.0.0.1', policy), null);
  assert.match(refusalFor('169.254.169.254', policy) ?? '', /link-local/);
});

test('refusalFor: odd IPv4 spellings the URL parser normalises land in the refused ranges', () => {
  // The client checks the parsed hostname; these are the forms a URL can hide 127.0.0.1 in.
  for (const spelling of ['http://2130706433/', 'http://0x7f.1/', 'http://0177.0.0.1/', 'http://127.1/', 'http://[::ffff:7f00:1]/']) {
    const host = new URL(spelling).hostname.replace(/^\[(.*)\]$/, '$1');
    assert.match(refusalFor(host, noExceptions) ?? '', /loopback/, spelling);
  }
  assert.match(refusalFor(new URL('http://0xa9.0xfe.0xa9.0xfe/').hostname, noExceptions) ?? '', /link-local/);
});
