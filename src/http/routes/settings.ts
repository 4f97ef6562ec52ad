// /api/settings — application settings (superusers only). Secrets (SMTP password, S3
// secrets) are never sent back; a PATCH without them keeps the stored ones.
import type { Core } from '../../core/index.js';
import { forbidden, unauthorized } from '../../core/errors/index.js';
import { publicSettings } from '../../core/settings.js';
import { patchSettings } from '../../core/settings-input.js';
import { sendTestMail } from '../../core/mail/test-mail.js';
import { testS3Filesystem } from '../../core/files/s3-check.js';
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
        await testS3Filesystem(data, { settings: core.settings, files: core.files, logger: core.logger });
        sendNoContent(ctx.res);
      }),
    },
  ];
}
