// examples/docs/on-realtime-connect-request.ts
import type { PlinthApi } from 'plinth';
import { ForbiddenError } from 'plinth';

const SITES = ['https://shop.example.com', 'https://admin.example.com'];

export default (plinth: PlinthApi) => {
  plinth.onRealtimeConnectRequest().bindFunc(async (e) => {
    // Before anything is sent: a throw refuses the SSE stream or the WebSocket with that error.
    const origin = e.info.headers.origin;
    if (origin !== undefined && !SITES.includes(origin)) throw new ForbiddenError('Live updates are for our own sites.');
    if (e.hasSuperuserAuth()) e.idleTimeout = 30 * 60_000; // ms without a message before the connection ends
    await e.next(); // keeps the connection; the client gets PB_CONNECT
  });
};
