// The limits that end a /api/realtime/ws connection: idle time, lifetime, a dead peer,
// back-pressure. None touches SQL: each test runs the route on a server of its own around a
// broker of its own, with limits short enough to wait for, and delivers events directly.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { pino } from 'pino';
import type { Core } from '../../src/core/index.js';
import { RealtimeBroker } from '../../src/core/realtime/index.js';
import { Hooks } from '../../src/core/hooks/index.js';
import { createHttpServer } from '../../src/http/server.js';
import { realtimeWsRoutes, type RealtimeWsOptions } from '../../src/http/routes/realtime-ws.js';
import { WsClient } from '../support/ws.js';

const HANDSHAKE =
  'GET /api/realtime/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';

/** Polls a condition a bounded number of times (server-side close handlers run after the peer sees the close). */
async function eventually(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.fail(`never happened: ${what}`);
}

/** The WebSocket route alone on a free port, around `broker`. */
async function serve(broker: RealtimeBroker, options: Partial<RealtimeWsOptions> = {}) {
  const core = { realtime: broker, hooks: new Hooks() } as unknown as Core;
  const logger = pino({ level: 'silent' });
  const unused = () => Promise.reject(new Error('unused'));
  const routes = realtimeWsRoutes(core, { authenticate: unused, logger, ...options });
  const server = createHttpServer({ routes, upgrades: routes, authenticate: unused, logger });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const clients: WsClient[] = [];
  return {
    port,
    async open(): Promise<WsClient> {
      const ws = await WsClient.open(`http://127.0.0.1:${port}/api/realtime/ws`);
      clients.push(ws);
      assert.equal((await ws.next()).event, 'PB_CONNECT');
      return ws;
    },
    async stop() {
      // Upgraded sockets are not the HTTP server's to close: its clients are cut here.
      for (const ws of clients) ws.ws.terminate();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A bare TCP client that completes the handshake, reads up to PB_CONNECT, then stops reading. */
async function silentPeer(port: number): Promise<{ socket: Socket; received: () => Buffer; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  let received = Buffer.alloc(0);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve) => {
    let connected = false;
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (connected || !received.includes('PB_CONNECT')) return;
      connected = true;
      socket.pause();
      resolve();
    });
    socket.write(HANDSHAKE);
  });
  return { socket, received: () => received, closed };
}

describe('realtime over WebSocket: limits', { timeout: 60_000 }, () => {
  test('an idle socket is closed by the server', async () => {
    const server = await serve(new RealtimeBroker(), { limits: { idleMs: 50, maxMs: 60_000 } });
    try {
      const ws = await server.open();
      assert.deepEqual(await ws.closed, { code: 1000, reason: 'Idle for too long.' });
    } finally {
      await server.stop();
    }
  });

  test('a socket that is not idle is still closed at the end of its lifetime', async () => {
    const broker = new RealtimeBroker();
    const server = await serve(broker, { limits: { idleMs: 60_000, maxMs: 80 } });
    try {
      const ws = await server.open();
      const client = [...broker.clients()][0]!;
      let events = 0;
      // Events keep it busy; the lifetime ends it anyway.
      const sender = setInterval(() => broker.deliver(client, { name: 'tick', data: {} }), 5);
      try {
        for (;;) {
          const frame = await ws.next().catch(() => null);
          if (!frame) break;
          events++;
        }
      } finally {
        clearInterval(sender);
      }
      assert.ok(events > 0);
      assert.deepEqual(await ws.closed, { code: 1000, reason: 'Connection time limit reached.' });
    } finally {
      await server.stop();
    }
  });

  test('a live peer answers pings and stays; one that stops answering is cut off', async () => {
    const broker = new RealtimeBroker();
    const server = await serve(broker, { pingMs: 20 });
    try {
      const ws = await server.open();
      let pings = 0;
      await new Promise<void>((resolve) => ws.ws.on('ping', () => ++pings === 5 && resolve()));
      assert.equal(ws.ws.readyState, ws.ws.OPEN);

      // (Not counted here: on a loaded machine the silent peer may already be cut off by now.
      // That it was a served client shows in the 101 answer and the pings it received.)
      const peer = await silentPeer(server.port);
      peer.socket.resume();
      await peer.closed;
      assert.match(peer.received().toString('latin1'), /^HTTP\/1\.1 101 /);
      // Ping frames (FIN + opcode 9, no payload) went out before the cut.
      assert.ok(peer.received().includes(Buffer.from([0x89, 0x00])));
      await eventually(() => broker.size === 1, 'the dead peer is forgotten');
      assert.equal(ws.ws.readyState, ws.ws.OPEN);
    } finally {
      await server.stop();
    }
  });
});

describe('realtime over WebSocket: back-pressure', { timeout: 60_000 }, () => {
  const BIG = { big: 'x'.repeat(16 * 1024 * 1024) };

  test('a client that reads is kept: each drain resets the count of waiting events', async () => {
    const broker = new RealtimeBroker({ maxBacklog: 2 });
    const server = await serve(broker, { highWaterBytes: 64 * 1024 });
    try {
      const ws = await server.open();
      const client = [...broker.clients()][0]!;
      // While the client is not reading, a big event overflows the socket and the send reports
      // back-pressure; once the client reads it, the socket drains.
      for (let i = 0; i < 3; i++) {
        ws.ws.pause();
        broker.deliver(client, { name: 'big', data: BIG });
        assert.equal(client.backlog, 1, 'the send reported back-pressure');
        ws.ws.resume();
        assert.equal((await ws.next()).event, 'big');
        await eventually(() => client.backlog === 0, `drained after event ${i}`);
      }
      assert.equal(broker.size, 1);
    } finally {
      await server.stop();
    }
  });

  test('a client that stops reading is cut off once too many events wait', async () => {
    const broker = new RealtimeBroker({ maxBacklog: 2 });
    const server = await serve(broker, { highWaterBytes: 64 * 1024 });
    const peer = await silentPeer(server.port);
    try {
      const client = [...broker.clients()][0]!;
      let sent = 0;
      while (broker.size > 0 && sent < 50) {
        broker.deliver(client, { name: 'big', data: BIG });
        sent++;
      }
      assert.equal(broker.size, 0);
      // Reading again (and discarding), the peer finds the connection cut: a paused socket notices nothing.
      peer.socket.resume();
      await peer.closed;
    } finally {
      peer.socket.destroy();
      await server.stop();
    }
  });
});
