// /api/files — downloads (with thumbnails and protected files) and file tokens.
import type { Core } from '../../core/index.js';
import { notFound, unauthorized } from '../../core/errors/index.js';
import { newFileToken } from '../../core/files/file-token.js';
import { fileHeaders, parseDownloadFlag } from '../../core/files/serve-headers.js';
import { FileLocator } from '../../core/files/serve-file.js';
import { ThumbMaker, type ThumbMakerOptions } from '../../core/files/thumbs.js';
import { BlobStoreError, InvalidBlobKeyError } from '../../storage/errors.js';
import type { HttpContext } from '../context.js';
import { requestInfo } from '../request-info.js';
import { respondJson } from '../respond.js';
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
    const file = await locator.locate({
      collection: ctx.params.collection ?? '',
      recordId: ctx.params.recordId ?? '',
      fileName: ctx.params.filename ?? '',
      thumb: ctx.query.get('thumb') ?? '',
      token: ctx.query.get('token') ?? '',
      request: requestInfo(ctx),
      superuserAdmitted: options.superuserAdmits?.(ctx.ip) ?? true,
    });
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
        if (!ctx.auth.record) throw unauthorized('The request requires valid record authorization token.');
        respondJson(ctx, 200, { token: await newFileToken(ctx.auth.record, core.clock) });
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
