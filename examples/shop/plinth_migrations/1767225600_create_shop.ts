// The shop's two collections. `up` creates them as `POST /api/collections` would; `down`
// removes them again, orders first (they point at products).
import type { MigrationContext } from 'plinth';

export async function up(app: MigrationContext): Promise<void> {
  // Fixed ids: every database built from these files names the collections alike.
  const products = await app.collections.save({
    id: 'shopproducts001',
    name: 'products',
    type: 'base',
    listRule: '',
    viewRule: '',
    fields: [
      { name: 'name', type: 'text', required: true },
      { name: 'price', type: 'number', min: 0 },
      { name: 'stock', type: 'number', min: 0, onlyInt: true },
    ],
  });
  await app.collections.save({
    id: 'shoporders00001',
    name: 'orders',
    type: 'base',
    // Anyone may order; only superusers list, change or delete orders.
    createRule: '',
    viewRule: '',
    fields: [
      { name: 'product', type: 'relation', collectionId: products.id, maxSelect: 1, required: true },
      { name: 'quantity', type: 'number', onlyInt: true },
      { name: 'email', type: 'email', required: true },
      { name: 'total', type: 'number' },
      { name: 'status', type: 'select', values: ['open', 'paid', 'closed'], maxSelect: 1 },
      { name: 'created', type: 'autodate', onCreate: true },
    ],
  });
}

export async function down(app: MigrationContext): Promise<void> {
  await app.collections.delete('orders');
  await app.collections.delete('products');
}
