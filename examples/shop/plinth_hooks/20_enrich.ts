// Enrich: the server prices the order, whatever the client sent, and takes the stock in the
// same transaction as the order's insert, so both happen or neither does.
import type { PlinthApi } from 'plinth';
import { productOf } from './lib/shop.js';

export default (plinth: PlinthApi) => {
  plinth.onRecordCreate('orders').bindFunc(async (e) => {
    const product = await productOf(e.app, e.record);
    e.record.set('total', product.getNumber('price') * e.record.getNumber('quantity'));
    e.record.set('status', 'open');
    await e.next();
  });

  plinth.onRecordCreateExecute('orders').bindFunc(async (e) => {
    await e.next(); // the order's row is written
    const product = await productOf(e.app, e.record);
    product.set('stock-', e.record.getNumber('quantity'));
    await e.app.save(product);
  });

  plinth.onRecordAfterCreateSuccess('orders').bindFunc(async (e) => {
    e.app.logger.info({ order: e.record.id, total: e.record.getNumber('total') }, 'new order');
    await e.next();
  });
};
