// /api/collections/{collection}/records — the records CRUD endpoints (through their request hooks).
import type { Core } from '../../core/index.js';
import { notFound } from '../../core/errors/index.js';
import { mergeUploads } from '../../core/files/uploads.js';
import { recordUploadLimits, withUploads } from '../upload-body.js';
import { requestInfo } from '../request-info.js';
import { sendReply } from '../reply.js';
import type { Route } from '../router.js';

export function recordRoutes(core: Core, options: { bodyLimit: number }): Route[] {
  const records = core.records;
  const requests = core.recordRequests;
  const base = '/api/collections/:collection/records';
  return [
    {
      method: 'GET',
      path: base,
      async handler(ctx) {
        return sendReply(ctx, await requests.list(ctx.params.collection!, requestInfo(ctx), ctx.query));
      },
    },
    {
      method: 'GET',
      path: `${base}/:id`,
      async handler(ctx) {
        const id = ctx.params.id ?? '';
        if (id === '') throw notFound();
        return sendReply(ctx, await requests.view({ ref: ctx.params.collection!, id }, requestInfo(ctx), ctx.query));
      },
    },
    {
      method: 'POST',
      path: base,
      async handler(ctx) {
        const collection = records.collection(ctx.params.collection!);
        const reply = await withUploads(ctx.req, recordUploadLimits(collection, options.bodyLimit), async (body, uploads) => {
          const data = mergeUploads(collection, body.data, uploads);
          return requests.create(ctx.params.collection!, requestInfo(ctx, data), data, { expand: ctx.query.get('expand') });
        });
        return sendReply(ctx, reply);
      },
    },
    {
      method: 'PATCH',
      path: `${base}/:id`,
      async handler(ctx) {
        const collection = records.collection(ctx.params.collection!);
        const reply = await withUploads(ctx.req, recordUploadLimits(collection, options.bodyLimit), async (body, uploads) => {
          const data = mergeUploads(collection, body.data, uploads);
          return requests.update({ ref: ctx.params.collection!, id: ctx.params.id ?? '' }, requestInfo(ctx, data), data, {
            expand: ctx.query.get('expand'),
          });
        });
        return sendReply(ctx, reply);
      },
    },
    {
      method: 'DELETE',
      path: `${base}/:id`,
      async handler(ctx) {
        return sendReply(ctx, await requests.delete({ ref: ctx.params.collection!, id: ctx.params.id ?? '' }, requestInfo(ctx)));
      },
    },
  ];
}
