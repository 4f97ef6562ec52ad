// Validate: an order is for at least one item, of a product that has that many in stock.
import type { PlinthApi } from 'plinth';
import { BadRequestError } from 'plinth';
import { productOf } from './lib/shop.js';

export default (plinth: PlinthApi) => {
  plinth.onRecordValidate('orders').bindFunc(async (e) => {
    const quantity = e.record.getNumber('quantity');
    if (quantity < 1) {
      throw new BadRequestError('Order at least one.', { quantity: { code: 'too_few', message: 'Order at least one item.' } });
    }
    // Only new orders take stock; an update (paying, closing) does not check it again.
    if (e.type === 'create') {
      const product = await productOf(e.app, e.record);
      if (product.getNumber('stock') < quantity) {
        throw new BadRequestError('Not enough stock.', { quantity: { code: 'out_of_stock', message: 'Not enough in stock.' } });
      }
    }
    await e.next();
  });
};
