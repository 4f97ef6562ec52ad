// The endpoints in memory, so that deciding whether a write has webhooks to send costs a
// set lookup. Reloaded after every change; on a shared database other nodes are told.
import type { Logger } from 'pino';
import type { ChangeNotifications } from '../../db/types.js';
import { eventMatches, takesRecordEvents, type Webhook } from './model.js';
import type { WebhookStore } from './store.js';

const TOPIC = 'webhooks';

export class WebhookRegistry {
  private endpoints: Webhook[] = [];
  /** Collections whose record writes some enabled endpoint takes; 'all' when one takes every collection. */
  private recordCollections: Set<string> | 'all' = new Set();
  private loads = 0;

  constructor(
    private readonly store: WebhookStore,
    private readonly deps: { notifications?: ChangeNotifications; logger: Logger },
  ) {
    deps.notifications?.subscribe(TOPIC, () => {
      this.load().catch((err: unknown) => deps.logger.warn({ err }, 'webhooks: could not reload the endpoints changed by another node'));
    });
  }

  async load(): Promise<void> {
    // Loads may overlap (a change here, a notice from another node): only the latest one applies.
    const ticket = ++this.loads;
    const endpoints = await this.store.all();
    if (ticket === this.loads) this.set(endpoints);
  }

  /** After a change made here: reload, then tell the other nodes. */
  async changed(): Promise<void> {
    await this.load();
    await this.deps.notifications?.publish(TOPIC);
  }

  list(): readonly Webhook[] {
    return this.endpoints;
  }

  takesRecordsOf(collectionId: string): boolean {
    return this.recordCollections === 'all' || this.recordCollections.has(collectionId);
  }

  /** Enabled endpoints taking `type`; for record and auth events, limited to those taking the collection. */
  matching(type: string, collectionId?: string): Webhook[] {
    return this.endpoints.filter(
      (w) => w.enabled && eventMatches(w.events, type) && (collectionId === undefined || w.collections.length === 0 || w.collections.includes(collectionId)),
    );
  }

  private set(endpoints: Webhook[]): void {
    this.endpoints = endpoints;
    let collections: Set<string> | 'all' = new Set();
    for (const w of endpoints) {
      if (!w.enabled || !takesRecordEvents(w.events)) continue;
      if (w.collections.length === 0) {
        collections = 'all';
        break;
      }
      for (const id of w.collections) collections.add(id);
    }
    this.recordCollections = collections;
  }
}
