// A few products to order. Data migrations go through `app.db` (bound parameters, `?` on
// both engines); ids are fixed so `down` can remove exactly these rows.
import type { MigrationContext } from 'plinth';

const PRODUCTS = [
  { id: 'widget000000001', name: 'Widget', price: 5, stock: 100 },
  { id: 'gadget000000001', name: 'Gadget', price: 12, stock: 10 },
];

export async function up(app: MigrationContext): Promise<void> {
  for (const p of PRODUCTS) {
    await app.db.run('INSERT INTO "products" ("id", "name", "price", "stock") VALUES (?, ?, ?, ?)', [p.id, p.name, p.price, p.stock]);
  }
}

export async function down(app: MigrationContext): Promise<void> {
  for (const p of PRODUCTS) await app.db.run('DELETE FROM "products" WHERE "id" = ?', [p.id]);
}
