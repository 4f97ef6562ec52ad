import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutboundRefusedError } from './errors.js';
import { nextHop, parseTarget } from './redirects.js';
import type { Hop } from './redirects.js';

const first: Hop = {
  url: new URL('https://hooks.example.com/in'),
  method: 'POST',
  headers: { 'Content-Type': 'application/json', 'content-length': '7', Authorization: 'Bearer t', 'webhook-id': 'm1' },
  body: '{"n":1}',
};

test('307 and 308 repeat the request; 301, 302 and 303 become a GET without body headers', () => {
  for (const status of [307, 308]) {
    const hop = nextHop(first, status, '/again');
    assert.deepEqual([hop.url.href, hop.method, hop.body, hop.headers], ['https://hooks.example.com/again', 'POST', '{"n":1}', first.headers]);
  }
  for (const status of [301, 302, 303]) {
    const hop = nextHop(first, status, '?page=2');
    assert.deepEqual([hop.url.href, hop.method, hop.body], ['https://hooks.example.com/in?page=2', 'GET', undefined]);
    assert.deepEqual(hop.headers, { Authorization: 'Bearer t', 'webhook-id': 'm1' });
  }
});

test('credentials are not forwarded to another origin', () => {
  const hop = nextHop(first, 307, 'http://hooks.example.com/in');
  assert.equal(hop.headers.Authorization, undefined);
  assert.equal(hop.headers['webhook-id'], 'm1');
  assert.equal(hop.body, '{"n":1}');
});

test('targets: http(s) only, no credentials, relative redirects resolve against the current URL', () => {
  assert.equal(parseTarget('HTTPS://Example.COM:443/a').href, 'https://example.com/a');
  assert.equal(parseTarget('//other.example/x', first.url).href, 'https://other.example/x');
  for (const bad of ['javascript:alert(1)', 'file:///etc/passwd', 'https://u@example.com/', 'https://:p@example.com/']) {
    assert.throws(() => parseTarget(bad), OutboundRefusedError, bad);
  }
  assert.throws(() => parseTarget('http://'), /invalid URL/);
});
