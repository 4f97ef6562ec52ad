// The domain's composition: one object holding every core service over one database.
import type { Logger } from 'pino';
import type { Database, NodeMessages } from '../db/types.js';
import { Migrator } from '../db/index.js';
import type { Clock } from '../lib/clock.js';
import { CollectionService, CollectionStore, topicNotifier } from './collections/index.js';
import { RecordService, type CollectionRegistry } from './records/service.js';
import { AuthService } from './auth/auth-service.js';
import { SuperuserService } from './auth/superusers.js';
import { OAuth2Service, builtInProviders } from './auth/oauth2/index.js';
import { OtpService } from './auth/otp.js';
import { SettingsStore } from './settings.js';
import { MailService, type MailMessage } from './mail/index.js';
import { systemMigrations } from './migrations/system.js';
import { createAccessCompiler } from './rules/access-compiler.js';
import { ruleValidator } from './rules/rule-validator.js';
import { oauth2RedirectTarget, RealtimeBroker, RecordFanout, syncClientAuth } from './realtime/index.js';
import { MessageRelay, type RealtimeRelay } from './realtime/relay.js';
import type { RecordEvent } from './records/events.js';
import { FileStorage, type BlobStoreFactory } from './files/file-storage.js';
import { HookApp, Hooks, MailerEvent, RecordRequests, realtimeMessageHooks, recordWriteHooks } from './hooks/index.js';
import { collectionWriteHooks, settingsReloadListener } from './hooks/index.js';
import type { Executor } from '../db/types.js';
import type { JobDefinitions} from './jobs/index.js';
import { JobQueue, scheduleBackoff } from './jobs/index.js';
import { bindAuthWebhookEvents, DELIVERY_JOB, deliveryHandler, WebhookOutbox, WebhookRegistry, WebhookService, WebhookStore } from './webhooks/index.js';
import { IpList } from '../lib/ip-address.js';

export interface CoreOptions {
  db: Database;
  clock: Clock;
  logger: Logger;
  bodyLimit: number;
  /** The channel realtime events take to the other nodes (a broker); the database's own when absent. */
  relayMessages?: NodeMessages;
  /** Makes the file stores (local directory, S3); the settings choose between them. */
  blobStores: BlobStoreFactory;
  /** The hooks extension code bound already (library mode binds before the database opens). */
  hooks?: Hooks;
  /** Webhook delivery: delays before each retry (ms), and internal addresses deliveries may still reach. */
  webhooks?: { retries: readonly number[]; outboundAllow: readonly string[] };
  /** Job definitions made before the database opened (library mode). */
  jobDefinitions?: JobDefinitions;
}

/** Failed delivery attempts in a row after which an endpoint is disabled. */
export const WEBHOOK_DISABLE_AFTER = 50;
/** How long one delivery may take (connect, redirects, response). */
const WEBHOOK_TIMEOUT_MS = 15_000;

export interface Core {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly store: CollectionStore;
  readonly registry: CollectionRegistry;
  readonly collections: CollectionService;
  readonly records: RecordService;
  readonly auth: AuthService;
  readonly superusers: SuperuserService;
  /** OAuth2 login: providers, auth-with-oauth2, the redirect seam for realtime. */
  readonly oauth2: OAuth2Service;
  /** One-time codes; `otp.deleteExpired()` also clears expired MFA sessions (for cron). */
  readonly otp: OtpService;
  readonly settings: SettingsStore;
  /** Outgoing mail (SMTP from the settings), sent in the background with retries. */
  readonly mail: MailService;
  readonly migrations: Migrator;
  /** Live realtime clients of this node; record writes reach them after they commit. */
  readonly realtime: RealtimeBroker;
  /** Record events → realtime messages (rule checks grouped per event; counters for the benchmark). */
  readonly realtimeFanout: RecordFanout;
  /** Carries committed record events to the other nodes (null with one node: SQLite, no broker). */
  readonly realtimeRelay: RealtimeRelay | null;
  /** Starts delivering other nodes' record events to this node's clients (when serving). */
  startRelay(): Promise<void>;
  /** Where file fields' files live (local disk or S3, by the settings). */
  readonly files: FileStorage;
  /** Reloads collections and settings from the database (after migrations, or a change elsewhere). */
  reload(): Promise<void>;
  /** Every hook extension code can bind to (see hooks/catalog.ts). */
  readonly hooks: Hooks;
  /** The record API's requests, through their request hooks (REST and batch). */
  readonly recordRequests: RecordRequests;
  /** `e.app` for extension code: over the database, or bound to a transaction. */
  appFor(exec?: Executor): HookApp;
  /** The durable job queue (its worker is started by the app when serving). */
  readonly jobs: JobQueue;
  /** Webhook endpoints and deliveries (/api/webhooks). */
  readonly webhooks: WebhookService;
  /** Deletes finished jobs and deliveries past their retention (a system cron job). */
  pruneJobs(): Promise<void>;
}

export async function createCore(options: CoreOptions): Promise<Core> {
  const { db, clock, logger } = options;
  // On a shared database, schema and settings changes made on one node reload the others.
  const store = new CollectionStore(db, db.notifications ? topicNotifier(db.notifications, 'collections') : undefined);
  const registry: CollectionRegistry = {
    byNameOrId: (ref) => store.find(ref),
    byId: (id) => {
      const found = store.find(id);
      return found?.id === id ? found : undefined;
    },
    all: () => [...store.list()],
  };
  const access = createAccessCompiler({ dialect: db.dialect.name, collections: registry, clock });
  const collections = new CollectionService({
    db,
    store,
    clock,
    validateRule: ruleValidator(access),
    oauth2Providers: builtInProviders.names(),
  });
  const records = new RecordService({ db, collections: registry, access, clock });
  const realtime = new RealtimeBroker();
  const realtimeFanout = new RecordFanout({ db, broker: realtime, records, access, collections: registry, logger });
  const deliverLocally = (events: RecordEvent[]): void => {
    syncClientAuth(realtime, events);
    realtimeFanout.handle(events);
  };
  const relayMessages = options.relayMessages ?? db.messages;
  const realtimeRelay = relayMessages ? new MessageRelay({ messages: relayMessages, registry, logger }) : null;
  records.onCommitted.push((events) => {
    deliverLocally(events);
    realtimeRelay?.publish(events);
  });
  records.onDeleting.push((tx, record) => realtimeFanout.prepareDelete(tx, record));
  const notifications = db.notifications;
  const settings = new SettingsStore(notifications ? () => notifications.publish('settings') : undefined);
  notifications?.subscribe('settings', () => {
    settings.load(db).catch((err: unknown) => logger.warn({ err }, 'could not reload the settings changed by another node'));
  });
  const mail = new MailService({ settings, logger, clock });
  const files = new FileStorage({ factory: options.blobStores, settings, logger });
  // A removed collection's files go once its removal committed (a failed delete keeps them).
  collections.onRemoved.push((collection) => {
    files
      .current()
      .deletePrefix(`${collection.id}/`)
      .catch((err: unknown) => logger.warn({ err, collection: collection.id }, 'files: could not delete the files of a removed collection'));
  });
  records.useFiles({ store: () => files.current(), logger });
  const auth = new AuthService({ db, collections: registry, records, access, clock, mail, logger });
  const superusers = new SuperuserService({ db, records, auth });
  const oauth2 = new OAuth2Service({ db, records, auth, clock, providers: builtInProviders, logger });
  // The popup flow's redirect hands the provider's code to the waiting realtime client.
  oauth2.redirects.attach(oauth2RedirectTarget(realtime));
  const otp = new OtpService({ db, clock, logger, collections: registry, records, auth, mail });
  const migrations = new Migrator(db, systemMigrations(clock), { clock });
  const hooks = options.hooks ?? new Hooks();
  const jobs = new JobQueue({ db, clock, logger, afterCommit: (exec, fn) => records.afterCommit(exec, fn), definitions: options.jobDefinitions });
  const webhookStore = new WebhookStore(db);
  const webhookRegistry = new WebhookRegistry(webhookStore, { notifications: db.notifications, logger });
  const outbox = new WebhookOutbox({ registry: webhookRegistry, jobs, access, clock, logger });
  records.useOutbox(outbox);
  const retries = options.webhooks?.retries ?? [];
  const outboundPolicy = { allow: IpList.parse(options.webhooks?.outboundAllow ?? []).list };
  jobs.define(
    DELIVERY_JOB,
    deliveryHandler({
      store: webhookStore,
      clock,
      logger,
      policy: outboundPolicy,
      timeoutMs: WEBHOOK_TIMEOUT_MS,
      disableAfter: WEBHOOK_DISABLE_AFTER,
      onDisabled: () => webhookRegistry.changed(),
    }),
    { attempts: retries.length + 1, backoff: scheduleBackoff(retries), concurrency: 8, timeout: WEBHOOK_TIMEOUT_MS * 2 },
  );
  // A delivery whose last attempt died with its worker ends dead in its log too.
  jobs.onAbandoned(DELIVERY_JOB, async (payload) => {
    const { deliveryId } = payload as { deliveryId: string };
    await webhookStore.markAbandoned(deliveryId, clock.now().getTime());
  });
  // Sign-ins and confirmed auth flows are auth.* events for the webhooks taking them.
  bindAuthWebhookEvents(hooks, { db, logger, registry: webhookRegistry, outbox });
  const webhooks = new WebhookService({ db, store: webhookStore, registry: webhookRegistry, jobs, collections: registry, access, clock });
  const appDeps = {
    records,
    collections: registry,
    access,
    settings: () => settings.get(),
    sendMail: async (m: MailMessage) => mail.send(m),
    logger,
    jobs,
    events: { emit: (exec: Executor, type: string, data: unknown) => outbox.custom(exec, type, data) },
    outboundPolicy,
  };
  const appFor = (exec?: Executor) => new HookApp(appDeps, exec ?? db);
  records.useWriteHooks(recordWriteHooks(hooks, { appFor, logger }));
  collections.useWriteHooks(collectionWriteHooks(hooks, { appFor, logger }));
  // The broker runs `onRealtimeMessageSend` handlers through this seam (SSE and WebSocket alike).
  realtime.messageFilter = realtimeMessageHooks(hooks, { appFor, logger });
  settings.onChange(settingsReloadListener(hooks, { appFor, logger }));
  mail.beforeSend = async (message) => {
    if (hooks.mailerSend.length === 0) return message;
    const event = new MailerEvent(appFor(), message);
    let send = false;
    await hooks.mailerSend.trigger(event, () => {
      send = true;
    });
    return send ? event.message : null;
  };
  return {
    jobs,
    webhooks,
    async pruneJobs() {
      const now = clock.now().getTime();
      const DAY = 24 * 60 * 60 * 1000;
      await jobs.store.prune({ done: now - DAY, dead: now - 30 * DAY });
      await webhookStore.prune(now - 7 * DAY);
    },
    hooks,
    recordRequests: new RecordRequests({ records, hooks, appFor }),
    appFor,
    db,
    clock,
    logger,
    store,
    registry,
    collections,
    records,
    auth,
    superusers,
    oauth2,
    otp,
    settings,
    mail,
    migrations,
    realtime,
    realtimeFanout,
    files,
    realtimeRelay,
    async startRelay() {
      await realtimeRelay?.start(deliverLocally);
    },
    async reload() {
      await store.reload();
      await settings.load(db);
      await webhookRegistry.load();
    },
  };
}
