// The superuser-only check of the admin routes: a guest gets 401, any other identity 403.
import { forbidden, unauthorized } from '../core/errors/index.js';
import type { HttpContext } from './context.js';

export function requireSuperuser(ctx: HttpContext): void {
  if (!ctx.auth.record) throw unauthorized('The request requires valid record authorization token.');
  if (!ctx.auth.isSuperuser) throw forbidden('The authorized record is not allowed to perform this action.');
}
