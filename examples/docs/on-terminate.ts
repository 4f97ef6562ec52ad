// examples/docs/on-terminate.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  // Something of your own that must end with the app: a timer, a client, a file.
  const heartbeat = setInterval(() => plinth.logger.debug('still here'), 60_000);
  plinth.onTerminate().bindFunc(async (e) => {
    clearInterval(heartbeat);
    await e.next();
  });
};
