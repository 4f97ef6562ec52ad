// /api/files — downloads (with thumbnails and protected files) and file tokens.
import type { Core } from '../../core/index.js';
import { notFound, unauthorized } from '../../core/errors/index.js';
import { newFileToken } from '../../core/files/file-token.js';
import { fileHeaders, parseDownloadFlag } from '../../core/files/serve-headers.js';
import { FileLocator, type LocatedFile } from '../../core/files/serve-file.js';
import { FileDownloadRequestEvent, FileTokenRequestEvent, HookRecord } from '../../core/hooks/index.js';
import { ThumbMaker, type ThumbMakerOptions } from '../../core/files/thumbs.js';
import { BlobStoreError, InvalidBlobKeyError } from '../../storage/errors.js';
import type { HttpContext } from '../context.js';
import { requestInfo } from '../request-info.js';
import { sendReply } from '../reply.js';
import { respondJson, sendNoContent } from '../respond.js';
import type { Route } from '../router.js';
import { serveBlob } from '../serve-blob.js';

export interface FileRoutesOptions {
  /** Whether a superuser may act from this address (the superuser IP allowlist); default: anywhere. */
  superuserAdmits?(ip: string): boolean;
  thumbs?: ThumbMakerOptions;
}

export function fileRoutes(core: Core, options: FileRoutesOptions = {}): Route[] {
  const locator = new FileLocator({
    db: core.db,
    clock: core.clock,
    registry: core.registry,
    logger: core.logger,
    store: () => core.files.current(),
    thumbs: new ThumbMaker(options.thumbs),
    canAccess: (record, request, rule) => core.auth.canAccess(record, request, rule),
  });

  async function download(ctx: HttpContext): Promise<void> {
    const located = await locator.locate({
      collection: ctx.params.collection ?? '',
      recordId: ctx.params.recordId ?? '',
      fileName: ctx.params.filename ?? '',
      thumb: ctx.query.get('thumb') ?? '',
      token: ctx.query.get('token') ?? '',
      request: requestInfo(ctx),
      superuserAdmitted: options.superuserAdmits?.(ctx.ip) ?? true,
    });
    const file = await downloadRequest(core, ctx, located);
    if (!file) return;
    const forceAttachment = parseDownloadFlag(ctx.query.get('download'));
    const headersFor = (info: { contentType: string }) =>
      fileHeaders({ name: file.name, key: file.key, contentType: info.contentType, forceAttachment, protectedFile: file.protectedFile });
    if (!(await serveBlob(ctx, file, headersFor))) throw notFound();
  }

  return [
    {
      method: 'POST',
      path: '/api/files/token',
      async handler(ctx) {
        ctx.req.resume();
        const record = ctx.auth.record;
        if (!record) throw unauthorized('The request requires valid record authorization token.');
        const token = await newFileToken(record, core.clock);
        const hook = core.hooks.fileTokenRequest;
        if (hook.length === 0) {
          respondJson(ctx, 200, { token });
          return;
        }
        const event = new FileTokenRequestEvent(core.appFor(), requestInfo(ctx), { record: new HookRecord(record), token });
        await hook.trigger(event, (e) => e.json(200, { token: e.token }));
        if (event.reply) await sendReply(ctx, event.reply);
        else sendNoContent(ctx.res);
      },
    },
    {
      method: 'GET',
      path: '/api/files/:collection/:recordId/:filename',
      async handler(ctx) {
        try {
          await download(ctx);
        } catch (err) {
          // As in PocketBase, a file the store cannot produce is not found (the cause is logged).
          if (!(err instanceof InvalidBlobKeyError || err instanceof BlobStoreError) || ctx.res.headersSent) throw err;
          core.logger.warn({ err, path: ctx.path }, 'files: the store could not serve a file');
          throw notFound();
        }
      },
    },
  ];
}

/**
 * Runs the `onFileDownloadRequest` hooks on a located file: answers the file to serve (its
 * key and name as the handlers left them), or null when a handler answered itself.
 */
async function downloadRequest(core: Core, ctx: HttpContext, file: LocatedFile): Promise<LocatedFile | null> {
  const hook = core.hooks.fileDownloadRequest;
  if (hook.length === 0) return file;
  const event = new FileDownloadRequestEvent(core.appFor(), requestInfo(ctx), {
    record: new HookRecord(file.record),
    fileField: file.fieldName,
    servedPath: file.key,
    servedName: file.name,
  });
  let served: LocatedFile | null = null;
  await hook.trigger(event, (e) => {
    served = { ...file, key: String(e.servedPath), name: String(e.servedName) };
  });
  if (served) return served;
  if (event.reply) await sendReply(ctx, event.reply);
  else sendNoContent(ctx.res);
  return null;
}
