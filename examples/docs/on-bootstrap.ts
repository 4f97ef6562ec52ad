// examples/docs/on-bootstrap.ts
import type { PlinthApi } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.onBootstrap().bindFunc(async (e) => {
    await e.next();
    const count = await e.app.countRecords('products');
    e.app.logger.info({ count }, 'products in stock');
  });
};
