// Helpers shared by the hook files. Subfolders are not loaded as hook files; they are
// compiled into the files that import them.
import type { HookApp, HookRecord } from 'plinth';
import { BadRequestError } from 'plinth';

/** The ordered product, or a 400 naming the `product` field. */
export async function productOf(app: HookApp, order: HookRecord): Promise<HookRecord> {
  const product = await app.findRecordById('products', order.getString('product'));
  if (!product) throw new BadRequestError('Unknown product.', { product: { code: 'unknown_product', message: 'No such product.' } });
  return product;
}

/** Orders still open after this many hours are closed by the cron job. */
export const OPEN_ORDER_HOURS = 24;
