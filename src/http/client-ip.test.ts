import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { clientIp, NO_PROXY, readTrustedProxy, trustedProxyReader } from './client-ip.js';

function request(remoteAddress: string | undefined, headers: Record<string, string[]> = {}): IncomingMessage {
  return { socket: { remoteAddress }, headersDistinct: headers } as unknown as IncomingMessage;
}

test('without trusted proxy settings the socket address is the client, whatever the headers say', () => {
  const req = request('::ffff:127.0.0.1', { 'x-forwarded-for': ['10.9.9.9'], 'x-real-ip': ['10.8.8.8'] });
  assert.equal(clientIp(req, NO_PROXY), '127.0.0.1');
  assert.equal(clientIp(request('0:0:0:0:0:0:0:1'), NO_PROXY), '::1');
  assert.equal(clientIp(request(undefined), NO_PROXY), '');
});

test('configured headers are read in order; the right-most valid address by default', () => {
  const proxy = readTrustedProxy({ headers: ['CF-Connecting-IP', 'X-Forwarded-For'], useLeftmostIP: false });
  assert.deepEqual(proxy.headers, ['cf-connecting-ip', 'x-forwarded-for']);
  const req = request('127.0.0.1', { 'x-forwarded-for': ['10.0.0.5, 203.0.113.9 , junk'] });
  assert.equal(clientIp(req, proxy), '203.0.113.9');
  assert.equal(clientIp(req, { ...proxy, useLeftmostIP: true }), '10.0.0.5');
  const cf = request('127.0.0.1', { 'cf-connecting-ip': ['2001:DB8::0:1'], 'x-forwarded-for': ['10.0.0.5'] });
  assert.equal(clientIp(cf, proxy), '2001:db8::1');
});

test('the last line of a repeated header counts; headers without a valid address fall through', () => {
  const proxy = readTrustedProxy({ headers: ['X-Real-IP', 'X-Forwarded-For'] });
  // The client sent its own X-Forwarded-For line; the proxy appended the real one after it.
  assert.equal(clientIp(request('127.0.0.1', { 'x-forwarded-for': ['6.6.6.6', '198.51.100.2'] }), proxy), '198.51.100.2');
  assert.equal(clientIp(request('127.0.0.1', { 'x-real-ip': ['unknown'], 'x-forwarded-for': ['198.51.100.3'] }), proxy), '198.51.100.3');
  assert.equal(clientIp(request('127.0.0.1', { 'x-real-ip': [''], 'x-forwarded-for': ['nope'] }), proxy), '127.0.0.1');
});

test('damaged settings mean no proxy; the reader re-reads only changed settings', () => {
  for (const bad of [undefined, null, 'x', { headers: 'X-Real-IP' }, { headers: [1, ' '] }]) assert.equal(readTrustedProxy(bad), NO_PROXY);
  let section: unknown = { headers: ['X-Real-IP'] };
  const read = trustedProxyReader(() => section);
  const first = read();
  assert.equal(read(), first);
  section = { headers: [] };
  assert.equal(read(), NO_PROXY);
});
