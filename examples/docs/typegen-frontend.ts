// examples/docs/typegen-frontend.ts
// In a front end (browser, mobile, another server) with the pocketbase SDK.
import PocketBase from 'pocketbase';
import type { OrdersCreate, TypedPocketBase } from './plinth_types.js';

const pb = new PocketBase('http://127.0.0.1:8090') as TypedPocketBase;

export async function placeOrder(product: string, quantity: number): Promise<string> {
  const draft: OrdersCreate = { product, quantity, email: 'ada@example.com' };
  const order = await pb.collection('orders').create(draft); // an OrdersRecord
  const full = await pb.collection('orders').getOne(order.id, { expand: 'product' });
  return `${full.expand?.product?.name ?? '?'} × ${quantity}: ${order.total}`;
}
