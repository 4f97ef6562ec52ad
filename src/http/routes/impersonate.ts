// POST /api/collections/{collection}/impersonate/{id}: a superuser gets a token for any auth
// record. The token cannot be refreshed (auth-refresh hands it back unchanged), so its
// duration is a hard end: that is what makes it usable as an API key for a server or script.
import type { Core } from '../../core/index.js';
import { AppError, badRequest, fieldError, forbidden, notFound, unauthorized, ValidationError } from '../../core/errors/index.js';
import { findRecordById } from '../../core/records/repository.js';
import { readBody } from '../body.js';
import type { HttpContext } from '../context.js';
import { sendReply } from '../reply.js';
import { requestInfo } from '../request-info.js';
import type { Route } from '../router.js';
import { authRequests } from './auth.js';

const LOAD_FAILED = 'An error occurred while loading the submitted data.';

export function impersonateRoutes(core: Core, options: { bodyLimit: number }): Route[] {
  const requests = authRequests(core);
  return [
    {
      method: 'POST',
      path: '/api/collections/:collection/impersonate/:id',
      async handler(ctx) {
        if (!ctx.auth.record) throw unauthorized('The request requires valid record authorization token.');
        if (!ctx.auth.isSuperuser) throw forbidden('The authorized record is not allowed to perform this action.');
        const collection = core.auth.authCollection(ctx.params.collection!);
        const record = await findRecordById(core.db, collection, ctx.params.id ?? '');
        if (!record) throw notFound();
        const data = await readImpersonateBody(ctx, options.bodyLimit);
        const duration = readDuration(data.duration);
        const token = await core.auth.newAuthToken(record, { durationSeconds: duration > 0 ? duration : undefined, refreshable: false });
        await sendReply(ctx, await requests.impersonate(record, token, { request: requestInfo(ctx, data), expand: ctx.query.get('expand') }));
      },
    },
  ];
}

async function readImpersonateBody(ctx: HttpContext, limit: number): Promise<Record<string, unknown>> {
  try {
    return (await readBody(ctx.req, limit)).data;
  } catch (err) {
    if (err instanceof AppError && err.code === 'bad_request') throw badRequest(LOAD_FAILED);
    throw err;
  }
}

/**
 * `duration` in seconds: absent or 0 means the collection's auth token duration. A whole
 * number is required (a form sends it as text); negative numbers fail validation.
 */
function readDuration(value: unknown): number {
  let seconds: number;
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') seconds = value;
  else if (typeof value === 'string' && /^[-+]?\d+$/.test(value.trim())) seconds = Number(value.trim());
  else throw badRequest(LOAD_FAILED);
  if (!Number.isSafeInteger(seconds)) throw badRequest(LOAD_FAILED);
  if (seconds < 0) {
    throw new ValidationError(
      { duration: fieldError('validation_min_greater_equal_than_required', 'Must be no less than 0.', { threshold: 0 }) },
      'An error occurred while validating the submitted data.',
    );
  }
  return seconds;
}
