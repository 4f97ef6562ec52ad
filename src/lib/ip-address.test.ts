import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalIp, IpList, parseIpRange } from './ip-address.js';

test('one text form per address', () => {
  assert.equal(canonicalIp('127.0.0.1'), '127.0.0.1');
  assert.equal(canonicalIp(' ::ffff:127.0.0.1 '), '127.0.0.1');
  assert.equal(canonicalIp('::FFFF:7f00:1'), '127.0.0.1');
  assert.equal(canonicalIp('0:0:0:0:0:0:0:1'), '::1');
  assert.equal(canonicalIp('2001:0DB8:0000:0000:0001:0000:0000:0001'), '2001:db8::1:0:0:1');
  assert.equal(canonicalIp('fe80::1%eth0'), 'fe80::1');
  assert.equal(canonicalIp('1:2:3:4:5:6:7:8'), '1:2:3:4:5:6:7:8');
  assert.equal(canonicalIp('1:0:0:2::'), '1:0:0:2::');
  for (const bad of ['', 'localhost', '1.2.3', '256.1.1.1', '1.2.3.4/8', '::g', '01.2.3.4']) assert.equal(canonicalIp(bad), null, bad);
});

test('ranges: single addresses, CIDR blocks, mapped blocks; bad prefixes refused', () => {
  assert.deepEqual(parseIpRange('10.1.2.3')?.prefix, 32);
  assert.deepEqual(parseIpRange('::1')?.prefix, 128);
  assert.deepEqual(parseIpRange('::ffff:10.0.0.0/104')?.prefix, 8);
  for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/x', '::ffff:10.0.0.0/90', 'fe80::1%eth0/64', 'x/8']) {
    assert.equal(parseIpRange(bad), null, bad);
  }
});

test('lists match v4 and v6 addresses and blocks, including mapped clients', () => {
  const { list, invalid } = IpList.parse(['10.0.0.0/8', '192.168.1.7', '2001:db8::/32', '::1', 'nope']);
  assert.deepEqual(invalid, ['nope']);
  assert.equal(list.size, 4);
  assert.ok(list.has('10.200.3.4'));
  assert.ok(list.has('::ffff:10.0.0.9'));
  assert.ok(list.has('192.168.1.7'));
  assert.ok(!list.has('192.168.1.8'));
  assert.ok(list.has('2001:db8:ffff::1'));
  assert.ok(!list.has('2001:db9::1'));
  assert.ok(list.has('0::1'));
  assert.ok(!list.has('11.0.0.1'));
  assert.ok(!list.has(''));
  const odd = IpList.parse(['172.16.0.0/12', '0.0.0.0/0']).list;
  assert.ok(odd.has('8.8.8.8'));
  assert.ok(!IpList.parse(['172.16.0.0/12']).list.has('172.32.0.1'));
  assert.ok(IpList.parse(['172.16.0.0/12']).list.has('172.31.255.255'));
});
