// /api/settings — application settings (superusers only). Secrets (SMTP password, S3
// secrets) are never sent back; a PATCH without them keeps the stored ones.
import type { Core } from '../../core/index.js';
import { ValidationError } from '../../core/errors/index.js';
import { SettingsListRequestEvent, SettingsUpdateRequestEvent, type Reply } from '../../core/hooks/index.js';
import { publicSettings } from '../../core/settings.js';
import { bindSettings, patchSettings, SETTINGS_SAVE_ERROR, validateSettings } from '../../core/settings-input.js';
import { sendTestMail } from '../../core/mail/test-mail.js';
import { testS3Filesystem } from '../../core/files/s3-check.js';
import { generateAppleClientSecret } from '../../core/auth/apple-client-secret.js';
import { readBody } from '../body.js';
import type { HttpContext } from '../context.js';
import { sendReply } from '../reply.js';
import { requestInfo } from '../request-info.js';
import { respondJson, sendNoContent } from '../respond.js';
import type { Route } from '../router.js';
import { requireSuperuser } from '../require-superuser.js';

export function settingsRoutes(core: Core, options: { bodyLimit: number }): Route[] {
  const guarded = (handler: (ctx: HttpContext) => Promise<void>) => async (ctx: HttpContext) => {
    requireSuperuser(ctx);
    await handler(ctx);
  };
  return [
    {
      method: 'GET',
      path: '/api/settings',
      handler: guarded(async (ctx) => sendReply(ctx, await listSettings(core, ctx))),
    },
    {
      method: 'PATCH',
      path: '/api/settings',
      handler: guarded(async (ctx) => {
        const { data } = await readBody(ctx.req, options.bodyLimit);
        await sendReply(ctx, await updateSettings(core, { ctx, body: data }));
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

const NOTHING: Reply = { kind: 'noContent', status: 204 };

/** GET: the settings without secrets, through `onSettingsListRequest` when it has handlers. */
async function listSettings(core: Core, ctx: HttpContext): Promise<Reply> {
  const settings = publicSettings(core.settings.get());
  const hook = core.hooks.settingsListRequest;
  if (hook.length === 0) return { kind: 'json', status: 200, body: settings };
  const event = new SettingsListRequestEvent(core.appFor(), requestInfo(ctx), settings);
  await hook.trigger(event, (e) => e.json(200, e.settings));
  return event.reply ?? NOTHING;
}

/**
 * PATCH: the body bound onto the current settings, then (through `onSettingsUpdateRequest`
 * when it has handlers) validated, saved and answered without secrets.
 */
async function updateSettings(core: Core, request: { ctx: HttpContext; body: Record<string, unknown> }): Promise<Reply> {
  const hook = core.hooks.settingsUpdateRequest;
  if (hook.length === 0) {
    const saved = await patchSettings(core.settings, request.body, { exec: core.db, clock: core.clock });
    return { kind: 'json', status: 200, body: publicSettings(saved) };
  }
  const oldSettings = structuredClone(core.settings.get());
  const newSettings = bindSettings(oldSettings, request.body);
  const event = new SettingsUpdateRequestEvent(core.appFor(), requestInfo(request.ctx, request.body), { oldSettings, newSettings });
  await hook.trigger(event, async (e) => {
    const errors = validateSettings(e.newSettings);
    if (Object.keys(errors).length > 0) throw new ValidationError(errors, SETTINGS_SAVE_ERROR);
    await core.settings.save(core.db, e.newSettings, core.clock);
    e.json(200, publicSettings(core.settings.get()));
  });
  return event.reply ?? NOTHING;
}
