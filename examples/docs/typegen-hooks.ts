// examples/docs/typegen-hooks.ts
import type { PlinthApi } from 'plinth';
import type { OrdersRecord } from './plinth_types.js';

export default (plinth: PlinthApi) => {
  plinth.onRecordAfterCreateSuccess('orders').bindFunc(async (e) => {
    // What a client gets for this record, typed.
    const order = e.record.toJSON() as unknown as OrdersRecord;
    e.app.logger.info({ order: order.id, status: order.status, total: order.total }, 'new order');
    await e.next();
  });
};
