// Cron: every hour, close the orders left open for a day, and put their stock back.
// Run it by hand with `POST /api/crons/closeStaleOrders` (superusers).
import type { PlinthApi } from 'plinth';
import { OPEN_ORDER_HOURS, productOf } from './lib/shop.js';

export default (plinth: PlinthApi) => {
  plinth.cronAdd('closeStaleOrders', '@hourly', async () => {
    const cutoff = new Date(Date.now() - OPEN_ORDER_HOURS * 3_600_000).toISOString().replace('T', ' ');
    const stale = await plinth.app.findRecordsByFilter('orders', 'status = "open" && created < {:cutoff}', { params: { cutoff } });
    for (const order of stale) {
      await plinth.app.runInTransaction(async (tx) => {
        const product = await productOf(tx, order);
        product.set('stock+', order.getNumber('quantity'));
        await tx.save(product);
        order.set('status', 'closed');
        await tx.save(order);
      });
    }
    if (stale.length > 0) plinth.logger.info({ closed: stale.length }, 'closed stale orders');
  });
};
