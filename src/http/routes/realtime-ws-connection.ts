// One realtime client on a WebSocket: its broker sink (frames out, back-pressure), the
// messages it sends (subscribe, auth), and the limits that end it (idle, lifetime, dead peer,
// too many bad messages).
import type { Logger } from 'pino';
import { WebSocket, type RawData } from 'ws';
import type { Core } from '../../core/index.js';
import { unauthorized } from '../../core/errors/index.js';
import { parseSetSubscriptionsBody, type RealtimeClient, type RealtimeMessage, type RealtimeSink } from '../../core/realtime/index.js';
import type { RequestInfo } from '../../core/rules/request-info.js';
import type { AuthState } from '../context.js';
import { toErrorBody } from '../error-status.js';
import { subscribeRequest, type StreamLimits } from './realtime.js';
import { encodeFrame, parseClientMessage } from './realtime-ws-messages.js';

export interface ConnectionSettings {
  authenticate(header: string, ip: string): Promise<AuthState>;
  logger: Logger;
  limits: StreamLimits;
  pingMs: number;
  highWaterBytes: number;
}

/** Past this many refused messages the client is taken to be broken (or hostile) and closed. */
export const MAX_BAD_MESSAGES = 20;
/** How long a peer gets to answer our close frame before its socket is cut. */
const CLOSE_GRACE_MS = 2_000;

interface Ending {
  code: number;
  reason: string;
}

const IDLE: Ending = { code: 1000, reason: 'Idle for too long.' };
const LIFETIME: Ending = { code: 1000, reason: 'Connection time limit reached.' };
const TOO_MANY_BAD_MESSAGES: Ending = { code: 1008, reason: 'Too many invalid messages.' };
/** The broker let the client go without saying why: the app is shutting down. */
const GOING_AWAY: Ending = { code: 1001, reason: 'Server closing.' };

interface ConnectionDeps {
  core: Core;
  ws: WebSocket;
  settings: ConnectionSettings;
}

/**
 * A sink whose socket comes later: the client exists, for the connect hooks to see, before
 * the upgrade is accepted.
 */
export class LateSink implements RealtimeSink {
  target: RealtimeSink | null = null;

  send(message: RealtimeMessage): boolean {
    return this.target ? this.target.send(message) : true;
  }

  close(): void {
    this.target?.close();
  }
}

/** A client the connect hooks let in, not live yet, and what the upgrade request said. */
export interface AcceptedClient {
  client: RealtimeClient;
  sink: LateSink;
  /** The idle limit (the connect hooks may have changed it). */
  idleMs: number;
  /** The upgrade request as the rules see it; subscribe hooks get it with the message as body. */
  info: RequestInfo;
}

export function openRealtimeConnection(deps: ConnectionDeps, accepted: AcceptedClient): void {
  new RealtimeWsConnection(deps, accepted);
}

class RealtimeWsConnection {
  private readonly client: RealtimeClient;
  private ending: Ending | null = null;
  private congested = false;
  private badMessages = 0;
  /** Whether the peer showed life (pong or message) since the last ping. */
  private alive = true;
  private queue: Promise<void> = Promise.resolve();
  private waiting = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly maxTimer: NodeJS.Timeout;
  private readonly pingTimer: NodeJS.Timeout;

  constructor(
    private readonly deps: ConnectionDeps,
    private readonly accepted: AcceptedClient,
  ) {
    const { core, ws, settings } = deps;
    this.client = accepted.client;
    accepted.sink.target = { send: (message) => this.send(message), close: () => this.close() };
    core.realtime.add(this.client);
    this.maxTimer = setTimeout(() => this.end(LIFETIME), settings.limits.maxMs);
    this.maxTimer.unref();
    this.pingTimer = setInterval(() => this.ping(), settings.pingMs);
    this.pingTimer.unref();
    ws.on('message', (data, isBinary) => this.receive(data, isBinary));
    ws.on('pong', () => (this.alive = true));
    ws.on('close', () => {
      this.stopTimers();
      core.realtime.disconnect(this.client.id);
    });
    // ws closes the connection after reporting (oversized message, bad frame, reset).
    ws.on('error', (err) => settings.logger.debug({ err }, 'realtime websocket error'));
    this.resetIdle();
    this.reply('PB_CONNECT', { clientId: this.client.id });
  }

  private send(message: RealtimeMessage): boolean {
    const { ws, settings } = this.deps;
    // Closing: nothing more leaves, and the close handler forgets the client.
    if (ws.readyState !== WebSocket.OPEN) return true;
    this.resetIdle();
    ws.send(encodeFrame(message, this.client.id), () => this.afterSend());
    if (ws.bufferedAmount <= settings.highWaterBytes) return true;
    this.congested = true;
    return false;
  }

  /** ws has no drain event on a WebSocket: each write's callback checks whether the queue fell back. */
  private afterSend(): void {
    if (!this.congested || this.deps.ws.bufferedAmount > this.deps.settings.highWaterBytes) return;
    this.congested = false;
    this.deps.core.realtime.drained(this.client.id);
  }

  /** The broker's sink close: the client is already forgotten there. */
  private close(): void {
    this.stopTimers();
    const { ws } = this.deps;
    if (ws.readyState === WebSocket.CLOSING || ws.readyState === WebSocket.CLOSED) return;
    // A client dropped for not reading would not read a close frame either.
    const ending = this.ending ?? (this.client.backlog > 0 ? null : GOING_AWAY);
    if (!ending) {
      ws.terminate();
      return;
    }
    ws.close(ending.code, ending.reason);
    // A peer that never answers the close frame must not hold the socket (nor a shutdown).
    setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  private end(ending: Ending): void {
    this.ending = ending;
    this.deps.core.realtime.disconnect(this.client.id);
  }

  private receive(data: RawData, isBinary: boolean): void {
    this.alive = true;
    const { ws } = this.deps;
    // One message at a time, in order: a subscribe sent after an auth must see its outcome.
    // Reading pauses meanwhile, so a client cannot pile work up faster than it is done.
    this.waiting++;
    ws.pause();
    this.queue = this.queue
      .then(() => this.handle(data, isBinary))
      .catch((err: unknown) => this.refuse(err))
      .finally(() => {
        if (--this.waiting === 0) ws.resume();
      });
  }

  private async handle(data: RawData, isBinary: boolean): Promise<void> {
    const message = parseClientMessage(data, isBinary);
    switch (message.type) {
      case 'subscribe':
        await this.subscribe(message.subscriptions);
        return;
      case 'auth':
        await this.authenticate(message.token);
        return;
    }
  }

  private async subscribe(subscriptions: unknown): Promise<void> {
    const { id, ip, auth } = this.client;
    // The same validation and limits as POST /api/realtime (the client id is this connection's).
    const parsed = parseSetSubscriptionsBody({ clientId: id, subscriptions });
    const info = (): RequestInfo => ({ ...this.accepted.info, auth: auth.record, isSuperuser: auth.isSuperuser, body: { subscriptions } });
    // A handler that answers instead of `next()` leaves the subscriptions as they were: the reply says which.
    await subscribeRequest(this.deps.core, { target: { id, ip }, auth, subscriptions: parsed.subscriptions }, info);
    this.reply('PB_SUBSCRIBED', { subscriptions: [...this.client.subscriptions.keys()] });
  }

  private async authenticate(token: string): Promise<void> {
    const { id, ip } = this.client;
    const auth = await this.deps.settings.authenticate(token, ip);
    // On HTTP a bad token reads as a guest; here the client asked to be someone, so it is told.
    if (!auth.record) throw unauthorized();
    // The broker applies SSE's identity rules; the subscriptions stay as they are.
    const identity = { record: auth.record, isSuperuser: auth.isSuperuser };
    this.deps.core.realtime.setSubscriptions({ id, ip }, identity, [...this.client.subscriptions.keys()]);
    const { collection, values } = auth.record;
    this.reply('PB_AUTH', { record: { id: String(values.id), collectionId: collection.id, collectionName: collection.name } });
  }

  private refuse(err: unknown): void {
    const { body, internal } = toErrorBody(err);
    if (internal) this.deps.settings.logger.error({ err }, 'realtime websocket message failed');
    this.reply('PB_ERROR', body);
    if (body.status < 500 && ++this.badMessages > MAX_BAD_MESSAGES) this.end(TOO_MANY_BAD_MESSAGES);
  }

  /**
   * Answers go through the broker too, so a client that sends but never reads is dropped, and
   * after any message hooks, in order with the events.
   */
  private reply(name: string, data: unknown): void {
    void this.deps.core.realtime.send(this.client, { name, data });
  }

  private ping(): void {
    const { ws } = this.deps;
    if (!this.alive) {
      ws.terminate();
      return;
    }
    this.alive = false;
    ws.ping();
  }

  private resetIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.end(IDLE), this.accepted.idleMs);
    this.idleTimer.unref();
  }

  private stopTimers(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.maxTimer);
    clearInterval(this.pingTimer);
  }
}
