// Routes: a public stock check, and a sales summary for superusers.
import type { PlinthApi } from 'plinth';
import { NotFoundError, requireSuperuserAuth } from 'plinth';

export default (plinth: PlinthApi) => {
  plinth.routerAdd('GET', '/api/shop/products/{id}/availability', async (e) => {
    const product = await e.app.findRecordById('products', e.params.id ?? '');
    if (!product) throw new NotFoundError('No such product.');
    e.json(200, { id: product.id, inStock: product.getNumber('stock') > 0, stock: product.getNumber('stock') });
  });

  plinth.routerAdd(
    'GET',
    '/api/shop/summary',
    async (e) => {
      const paid = await e.app.findRecordsByFilter('orders', 'status = {:status}', { params: { status: 'paid' } });
      const revenue = paid.reduce((sum, order) => sum + order.getNumber('total'), 0);
      e.json(200, { open: await e.app.countRecords('orders', 'status = "open"'), paid: paid.length, revenue });
    },
    requireSuperuserAuth(),
  );
};
