// Events of the realtime connection (open, subscribe, each message sent) and of the file
// routes (download, file token), and the seam that runs `onRealtimeMessageSend` handlers
// inside the broker's sends.
import type { Logger } from 'pino';
import type { Collection } from '../collections/model.js';
import type { MessageFilter, RealtimeClient, RealtimeMessage } from '../realtime/broker.js';
import type { RequestInfo } from '../rules/request-info.js';
import type { Hooks } from './catalog.js';
import { BaseEvent, RequestEvent } from './events.js';
import type { HookApp } from './hook-app.js';
import { HookRecord } from './hook-record.js';
import type { TaggedEvent } from './hook.js';

/** A realtime client as handlers see it: who it is and what it listens to. */
export class HookRealtimeClient {
  constructor(private readonly client: RealtimeClient) {}

  /** The id the client got in PB_CONNECT. */
  get id(): string {
    return this.client.id;
  }

  /** The account (or superuser) it is authenticated as now, or null for a guest. */
  get auth(): HookRecord | null {
    const record = this.client.auth.record;
    return record ? new HookRecord(record) : null;
  }

  get isSuperuser(): boolean {
    return this.client.auth.isSuperuser;
  }

  /** Its subscriptions, as the exact strings it subscribed with. */
  subscriptions(): string[] {
    return [...this.client.subscriptions.keys()];
  }
}

/**
 * A client opens the SSE stream or the WebSocket. `next()` keeps the connection (the client
 * gets PB_CONNECT); throwing refuses it with that error. `idleTimeout` (ms) may be changed before.
 */
export class RealtimeConnectRequestEvent extends RequestEvent {
  constructor(app: HookApp, info: RequestInfo, options: { client: HookRealtimeClient; idleTimeout: number }) {
    super(app, info);
    this.client = options.client;
    this.idleTimeout = options.idleTimeout;
  }

  readonly client: HookRealtimeClient;
  idleTimeout: number;
}

/**
 * `POST /api/realtime` (or a WebSocket `subscribe` message), once the client was found and
 * may change its subscriptions. `next()` replaces them with `subscriptions`, which handlers
 * may change before.
 */
export class RealtimeSubscribeRequestEvent extends RequestEvent {
  constructor(app: HookApp, info: RequestInfo, options: { client: HookRealtimeClient; subscriptions: string[] }) {
    super(app, info);
    this.client = options.client;
    this.subscriptions = options.subscriptions;
  }

  readonly client: HookRealtimeClient;
  subscriptions: string[];
}

/**
 * One message about to go to one client (record events, custom topics, PB_CONNECT, the
 * WebSocket's own frames). `message` is this client's own copy: changing `message.data`
 * changes what this client gets; returning without `next()` drops the message.
 */
export class RealtimeMessageEvent extends BaseEvent {
  constructor(
    readonly app: HookApp,
    readonly client: HookRealtimeClient,
    public message: RealtimeMessage,
  ) {
    super();
  }
}

/**
 * `GET /api/files/…`, once the file was found and the request may have it. `next()` serves
 * `servedPath` (the key in the store) under `servedName`; both may be changed before.
 */
export class FileDownloadRequestEvent extends RequestEvent implements TaggedEvent {
  constructor(app: HookApp, info: RequestInfo, found: { record: HookRecord; fileField: string; servedPath: string; servedName: string }) {
    super(app, info);
    this.record = found.record;
    this.fileField = found.fileField;
    this.servedPath = found.servedPath;
    this.servedName = found.servedName;
  }

  readonly record: HookRecord;
  /** The name of the file field listing the file. */
  readonly fileField: string;
  servedPath: string;
  servedName: string;

  get collection(): Collection {
    return this.record.collection;
  }

  tags(): readonly string[] {
    return [this.collection.id, this.collection.name];
  }
}

/**
 * `POST /api/files/token` by an authenticated account (tags: its collection). The token is
 * made before the handlers run; `next()` answers `{token}` with `token`, which may be replaced before.
 */
export class FileTokenRequestEvent extends RequestEvent implements TaggedEvent {
  constructor(app: HookApp, info: RequestInfo, issued: { record: HookRecord; token: string }) {
    super(app, info);
    this.record = issued.record;
    this.token = issued.token;
  }

  /** The account the token is for. */
  readonly record: HookRecord;
  token: string;

  get collection(): Collection {
    return this.record.collection;
  }

  tags(): readonly string[] {
    return [this.collection.id, this.collection.name];
  }
}

/** Runs `onRealtimeMessageSend` handlers on each message the broker sends, once any are bound. */
export function realtimeMessageHooks(hooks: Hooks, deps: { appFor(): HookApp; logger: Logger }): MessageFilter {
  const hook = hooks.realtimeMessageSend;
  let app: HookApp | null = null;
  return {
    active: () => hook.length > 0,
    async apply(client, message) {
      // Each client gets its own copy, in the form it would travel in (JSON), so a handler's
      // changes reach this client only, and the transports encode it anew.
      const copy: RealtimeMessage = { name: message.name, data: JSON.parse(JSON.stringify(message.data ?? null)) as unknown };
      if (message.id !== undefined) copy.id = message.id;
      const event = new RealtimeMessageEvent((app ??= deps.appFor()), new HookRealtimeClient(client), copy);
      let out: RealtimeMessage | null = null;
      try {
        await hook.trigger(event, (e) => {
          out = e.message;
        });
      } catch (err) {
        deps.logger.warn({ err, topic: message.name }, 'realtime: a message hook failed, the message was not sent');
        return null;
      }
      return out;
    },
    failed(err) {
      deps.logger.warn({ err }, 'realtime: could not send to a client');
    },
  };
}
