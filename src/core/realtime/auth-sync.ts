// Keeps the identity of live clients true to the database: a client whose account changed
// gets the fresh record (rules read it); one whose account was deleted, whose tokenKey was
// rotated (password change, "log out everywhere") or whose collection's token secret changed
// is no longer that account: it continues as a guest, as a new request with its old token would.
import type { CollectionRegistry } from '../records/service.js';
import type { RecordEvent } from '../records/events.js';
import type { RealtimeAuth, RealtimeBroker, RealtimeClient } from './broker.js';

export const GUEST_AUTH: RealtimeAuth = { record: null, isSuperuser: false };

/** Applies the committed changes of auth records to the clients authenticated as them. */
export function syncClientAuth(broker: RealtimeBroker, events: RecordEvent[]): void {
  for (const event of events) {
    const { collection } = event.record;
    if (collection.type !== 'auth') continue;
    const id = String(event.record.values.id);
    for (const client of broker.clients()) {
      const current = client.auth.record;
      if (!current || current.collection.id !== collection.id || String(current.values.id) !== id) continue;
      if (event.action === 'delete' || current.values.tokenKey !== event.record.values.tokenKey) {
        broker.setAuth(client, GUEST_AUTH);
      } else {
        broker.setAuth(client, { record: { collection, values: { ...event.record.values } }, isSuperuser: client.auth.isSuperuser });
      }
    }
  }
}

/**
 * The client's identity as it stands now: a guest when its collection is gone or its token
 * secret changed since it authenticated (every token of that collection is void then).
 */
export function currentAuth(broker: RealtimeBroker, client: RealtimeClient, collections: CollectionRegistry): RealtimeAuth {
  const record = client.auth.record;
  if (!record) return client.auth;
  const now = collections.byId(record.collection.id);
  if (!now || now.auth?.authToken.secret !== record.collection.auth?.authToken.secret) broker.setAuth(client, GUEST_AUTH);
  return client.auth;
}
