import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IpList } from '../ip-address.js';
import { OutboundRefusedError, OutboundTimeoutError, outboundRequest } from './index.js';
import type { OutboundRequest } from './index.js';

interface Received {
  method: string;
  url: string;
  host: string | undefined;
  body: string;
}

/** A real local receiver; `received` records every request it saw. */
async function receiver(t: { after: (fn: () => unknown) => void }, handle: (req: Received, res: ServerResponse) => void) {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', host: req.headers.host, body };
      received.push(seen);
      handle(seen, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, port, received };
}

const localOnly = { allow: IpList.parse(['127.0.0.1/32']).list };
const nothingAllowed = { allow: IpList.parse([]).list };

function post(url: string, extra: Partial<OutboundRequest> = {}): OutboundRequest {
  return { url, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":1}', timeoutMs: 5000, ...extra };
}

test('a loopback receiver is refused without an allowlist and reached with 127.0.0.1/32', async (t) => {
  const { base, received } = await receiver(t, (_req, res) => res.writeHead(202, { 'x-reply': 'ok' }).end('accepted'));
  await assert.rejects(outboundRequest(post(`${base}/hook`), nothingAllowed), (error: Error) => {
    assert.ok(error instanceof OutboundRefusedError);
    assert.match(error.message, /127\.0\.0\.1.*loopback/);
    return true;
  });
  assert.equal(received.length, 0);
  const response = await outboundRequest(post(`${base}/hook`), localOnly);
  assert.equal(response.status, 202);
  assert.equal(response.headers['x-reply'], 'ok');
  assert.equal(response.bodyExcerpt, 'accepted');
  assert.equal(response.finalUrl, `${base}/hook`);
  assert.ok(response.latencyMs >= 0);
  assert.deepEqual(received.map((r) => [r.method, r.url, r.body]), [['POST', '/hook', '{"n":1}']]);
});

test('odd spellings of a loopback address are refused before connecting', async (t) => {
  const { port, received } = await receiver(t, (_req, res) => res.end());
  for (const host of ['2130706433', '0x7f.1', '127.1', '0177.0.0.1', '[::ffff:127.0.0.1]']) {
    await assert.rejects(outboundRequest(post(`http://${host}:${port}/`), nothingAllowed), OutboundRefusedError, host);
  }
  assert.equal(received.length, 0);
});

test('a host name resolving to a refused address is refused', async (t) => {
  const { port, received } = await receiver(t, (_req, res) => res.end());
  await assert.rejects(outboundRequest(post(`http://localhost:${port}/`), nothingAllowed), (error: Error) => {
    assert.ok(error instanceof OutboundRefusedError);
    assert.match(error.message, /localhost resolves to .*loopback/);
    return true;
  });
  assert.equal(received.length, 0);
  // Allowlisting every loopback address it may resolve to lets it through, with its name as Host.
  const bothLoopbacks = { allow: IpList.parse(['127.0.0.1/32', '::1/128']).list };
  const response = await outboundRequest(post(`http://localhost:${port}/named`), bothLoopbacks);
  assert.equal(response.status, 200);
  assert.equal(received[0]?.host, `localhost:${port}`);
});

test('schemes other than http(s) and URLs with credentials are refused', async () => {
  for (const url of ['file:///etc/passwd', 'ftp://example.com/', 'data:text/plain,hi', 'gopher://example.com/', 'http://user:pass@127.0.0.1/']) {
    await assert.rejects(outboundRequest(post(url), localOnly), OutboundRefusedError, url);
  }
  await assert.rejects(outboundRequest(post('not a url'), localOnly), /invalid URL/);
});

test('a redirect from an allowed receiver to an internal address is refused', async (t) => {
  let target = '';
  const { base } = await receiver(t, (_req, res) => res.writeHead(302, { location: target }).end());
  for (const [to, reason] of [
    ['http://169.254.169.254/latest/meta-data/', /link-local/],
    ['http://[::1]:9/', /loopback/],
    ['http://10.0.0.5/', /private/],
    ['http://[fd00:ec2::254]/', /unique-local/],
    ['file:///etc/passwd', /file:/],
  ] as const) {
    target = to;
    await assert.rejects(outboundRequest(post(`${base}/start`), localOnly), (error: Error) => {
      assert.ok(error instanceof OutboundRefusedError, `${to}: ${error.message}`);
      assert.match(error.message, reason);
      return true;
    });
  }
});

test('redirects within the allowlist are followed: 307 keeps the POST body, 303 becomes a GET', async (t) => {
  const { base, received } = await receiver(t, (req, res) => {
    if (req.url === '/a') return res.writeHead(307, { location: '/b' }).end('moved');
    if (req.url === '/b') return res.writeHead(303, { location: `${base}/c` }).end();
    res.end(`${req.method} ${req.body}`);
  });
  const response = await outboundRequest(post(`${base}/a`), localOnly);
  assert.equal(response.status, 200);
  assert.equal(response.finalUrl, `${base}/c`);
  assert.equal(response.bodyExcerpt, 'GET ');
  assert.deepEqual(
    received.map((r) => [r.method, r.url, r.body]),
    [
      ['POST', '/a', '{"n":1}'],
      ['POST', '/b', '{"n":1}'],
      ['GET', '/c', ''],
    ],
  );
});

test('more redirects than allowed is an error', async (t) => {
  const { base, received } = await receiver(t, (req, res) => res.writeHead(301, { location: `${req.url}x` }).end());
  await assert.rejects(outboundRequest(post(`${base}/`, { maxRedirects: 2 }), localOnly), /too many redirects: more than 2/);
  assert.deepEqual(received.map((r) => r.url), ['/', '/x', '/xx']);
  await assert.rejects(outboundRequest(post(`${base}/`), localOnly), /more than 3/);
  await assert.rejects(outboundRequest(post(`${base}/`, { maxRedirects: 0 }), localOnly), /more than 0/);
});

test('a receiver that never answers hits the time limit', async (t) => {
  const { base, received } = await receiver(t, () => {});
  await assert.rejects(outboundRequest(post(`${base}/slow`, { timeoutMs: 200 }), localOnly), (error: Error) => {
    assert.ok(error instanceof OutboundTimeoutError);
    assert.match(error.message, /200 ms/);
    return true;
  });
  assert.equal(received.length, 1);
});

test('a caller abort ends the exchange with the abort reason', async (t) => {
  const { base } = await receiver(t, () => {});
  const controller = new AbortController();
  const pending = outboundRequest(post(`${base}/`, { signal: controller.signal }), localOnly);
  controller.abort(new Error('shutting down'));
  await assert.rejects(pending, /shutting down/);
  await assert.rejects(outboundRequest(post(`${base}/`, { signal: AbortSignal.abort() }), localOnly), { name: 'AbortError' });
});

test('only the start of a large body is read and kept', async (t) => {
  const cap = 50_000_000;
  const sentAtClose: number[] = [];
  const { base } = await receiver(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    // Writes until the client goes away (or a cap far above what the client may read).
    const chunk = Buffer.from('é'.repeat(4096));
    let sent = 0;
    res.on('close', () => sentAtClose.push(sent));
    const pump = () => {
      while (!res.destroyed && sent < cap && res.write(chunk)) sent += chunk.length;
      if (res.destroyed) return;
      if (sent < cap) res.once('drain', pump);
      else res.end();
    };
    pump();
  });
  const get = (maxResponseBytes: number): OutboundRequest => ({ url: `${base}/big`, method: 'GET', headers: {}, timeoutMs: 5000, maxResponseBytes });
  const response = await outboundRequest(get(16 * 1024), localOnly);
  assert.equal(response.status, 200);
  // 1 KiB of two-byte characters: 512 whole characters, none cut in half.
  assert.equal(response.bodyExcerpt, 'é'.repeat(512));
  const small = await outboundRequest(get(11), localOnly);
  assert.equal(small.bodyExcerpt, 'é'.repeat(5));
  // The client hung up long before the server had sent everything.
  for (let waited = 0; sentAtClose.length < 2 && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
  assert.equal(sentAtClose.length, 2);
  for (const sent of sentAtClose) assert.ok(sent < cap, `server sent ${sent} bytes`);
});

test('network failures reject with a short message', async (t) => {
  const { port } = await receiver(t, () => {});
  const closedPort = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  assert.notEqual(closedPort, port);
  await assert.rejects(outboundRequest(post(`http://127.0.0.1:${closedPort}/`), localOnly), (error: Error) => {
    assert.equal(error.message, `connection refused: 127.0.0.1:${closedPort} (ECONNREFUSED)`);
    return true;
  });
  // Without network access the resolver may fail either way; both are short and clear.
  await assert.rejects(outboundRequest(post('http://no-such-host.invalid/', { timeoutMs: 15_000 }), localOnly), /(host not found|DNS lookup failed \(temporary\)): no-such-host\.invalid/);
});
