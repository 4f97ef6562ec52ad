// A connection that was opened but never sent a byte (an HTTP client's spare or cancelled
// connection) is neither active nor idle to node:http, so `server.close()` waits for it
// until the headers timeout (a minute). Shutdown drops such connections at once; a
// connection that sent anything is left to finish.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export function trackSilentConnections(server: Server): { dropSilent(): void } {
  const open = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  return {
    dropSilent() {
      for (const socket of open) if (socket.bytesRead === 0) socket.destroy();
    },
  };
}
