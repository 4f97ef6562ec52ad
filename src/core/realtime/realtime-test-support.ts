// Shared by the realtime unit tests: a sink that records what it is sent, and a guest.
import type { RealtimeAuth, RealtimeMessage, RealtimeSink } from './broker.js';

export function recordingSink(): RealtimeSink & { sent: RealtimeMessage[] } {
  return {
    sent: [],
    send(message) {
      this.sent.push(message);
      return true;
    },
    close() {},
  };
}

export const GUEST: RealtimeAuth = { record: null, isSuperuser: false };
