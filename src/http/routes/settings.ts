// /api/settings — application settings (superusers only). Secrets (SMTP password, S3
// secrets) are never sent back; a PATCH without them keeps the stored ones.
import type { Core } from '../../core/index.js';
import { badRequest, fieldError, forbidden, unauthorized, ValidationError } from '../../core/errors/index.js';
import { publicSettings } from '../../core/settings.js';
import { patchSettings } from '../../core/settings-input.js';
import { sendTestMail } from '../../core/mail/test-mail.js';
import { generateAppleClientSecret } from '../../core/auth/apple-client-secret.js';
import { readBody } from '../body.js';
import type { HttpContext } from '../context.js';
import { respondJson, sendNoContent } from '../respond.js';
import type { Route } from '../router.js';

function requireSuperuser(ctx: HttpContext): void {
  if (!ctx.auth.record) throw unauthorized('The request requires valid record authorization token.');
  if (!ctx.auth.isSuperuser) throw forbidden('The authorized record is not allowed to perform this action.');
}

export function settingsRoutes(core: Core, options: { bodyLimit: number }): Route[] {
  const guarded = (handler: (ctx: HttpContext) => Promise<void>) => async (ctx: HttpContext) => {
    requireSuperuser(ctx);
    await handler(ctx);
  };
  return [
    {
      method: 'GET',
      path: '/api/settings',
      handler: guarded(async (ctx) => respondJson(ctx, 200, publicSettings(core.settings.get()))),
    },
    {
      method: 'PATCH',
      path: '/api/settings',
      handler: guarded(async (ctx) => {
        const { data } = await readBody(ctx.req, options.bodyLimit);
        const saved = await patchSettings(core.settings, data, { exec: core.db, clock: core.clock });
        respondJson(ctx, 200, publicSettings(saved));
      }),
    },
    {
      method: 'POST',
      path: '/api/settings/test/email',
      handler: guarded(async (ctx) => {
        const { data } = await readBody(ctx.req, options.bodyLimit);
        await sendTestMail(data, {
          mail: core.mail,
          clock: core.clock,
          collectionByNameOrId: (ref) => core.registry.byNameOrId(ref),
        });
        sendNoContent(ctx.res);
      }),
    },
    {
      method: 'POST',
      path: '/api/settings/apple/generate-client-secret',
      handler: guarded(async (ctx) => {
        const { data } = await readBody(ctx.req, options.bodyLimit);
        respondJson(ctx, 200, { secret: await generateAppleClientSecret(data, core.clock) });
      }),
    },
    {
      method: 'POST',
      path: '/api/settings/test/s3',
      handler: guarded(async (ctx) => {
        const { data } = await readBody(ctx.req, options.bodyLimit);
        testS3(core, data);
      }),
    },
  ];
}

// Plinth has no S3 storage adapter yet, so only the checks before a connection attempt
// exist: the form's validation and "not enabled". An enabled S3 section is reported as
// untestable rather than pretending it works.
function testS3(core: Core, data: Record<string, unknown>): never {
  const filesystem = typeof data.filesystem === 'string' ? data.filesystem : '';
  if (filesystem !== 'storage' && filesystem !== 'backups') {
    const error = filesystem === '' ? fieldError('validation_required', 'Cannot be blank.') : fieldError('validation_in_invalid', 'Must be a valid value.');
    throw new ValidationError({ filesystem: error }, 'Failed to test the S3 filesystem.');
  }
  const settings = core.settings.get();
  const s3 = filesystem === 'backups' ? settings.backups.s3 : settings.s3;
  if (!s3.enabled) throw badRequest('Failed to test the S3 filesystem. Raw error: \nS3 storage filesystem is not enabled');
  throw badRequest('Failed to test the S3 filesystem: S3 storage is not supported by this version of Plinth yet.');
}
