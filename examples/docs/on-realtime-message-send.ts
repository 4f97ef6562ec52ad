// examples/docs/on-realtime-message-send.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onRealtimeMessageSend().bindFunc(async (e) => {
    // Once per message and client; e.message is this client's own copy.
    if (e.message.name.startsWith('prices') && !e.client.auth) return; // guests do not get this message
    const data = e.message.data;
    if (e.message.name.startsWith('orders') && typeof data === 'object' && data !== null) {
      e.message.data = { ...data, sentAt: new Date().toISOString() };
    }
    await e.next(); // sends it
  });
};
