// examples/docs/on-realtime-subscribe-request.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRealtimeSubscribeRequest().bindFunc(async (e) => {
    // e.subscriptions replace the client's current ones (e.client.subscriptions()) in next().
    // e.auth is who sent this request: SDK clients authenticate here, not when connecting.
    if (!e.auth) e.subscriptions = e.subscriptions.filter((topic) => !topic.startsWith('members/'));
    await e.next();
  });
};
