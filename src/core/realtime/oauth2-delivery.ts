// The realtime side of the OAuth2 popup flow: the SDK subscribes to `@oauth2`, sends the
// provider its realtime client id as `state`, and waits; `/api/oauth2-redirect` hands the
// provider's answer to that one client here. Same checks and order as PocketBase: the
// client must be connected and subscribed to exactly `@oauth2`; its subscription ends with
// this redirect whatever happens next (one redirect per login); and a client that recorded
// its address only accepts a redirect from that address, so a page elsewhere that learned
// a client id cannot push its own code into someone else's login.
import type { OAuth2RedirectMessage, OAuth2RedirectTarget } from '../auth/oauth2/index.js';
import type { RealtimeBroker } from './broker.js';

export const OAUTH2_TOPIC = '@oauth2';

export function oauth2RedirectTarget(broker: RealtimeBroker): OAuth2RedirectTarget {
  return {
    async deliver(clientId: string, message: OAuth2RedirectMessage, origin: { ip: string }): Promise<boolean> {
      const client = broker.client(clientId);
      if (!client || !client.subscriptions.has(OAUTH2_TOPIC)) return false;
      broker.unsubscribe(client, OAUTH2_TOPIC);
      if (client.ip !== '' && client.ip !== origin.ip) return false;
      await broker.send(client, { name: OAUTH2_TOPIC, data: message });
      return true;
    },
  };
}
