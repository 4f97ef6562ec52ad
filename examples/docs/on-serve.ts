// examples/docs/on-serve.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onServe().bindFunc(async (e) => {
    await e.next(); // listens
    e.app.logger.info(`shop open at ${e.address}/api/`);
  });
};
