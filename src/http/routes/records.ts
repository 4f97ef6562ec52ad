// /api/collections/{collection}/records — the records CRUD endpoints.
import type { Core } from '../../core/index.js';
import { notFound } from '../../core/errors/index.js';
import { mergeUploads } from '../../core/files/uploads.js';
import { recordUploadLimits, withUploads } from '../upload-body.js';
import { requestInfo } from '../request-info.js';
import { respondJson, sendNoContent } from '../respond.js';
import type { Route } from '../router.js';

export function recordRoutes(core: Core, options: { bodyLimit: number }): Route[] {
  const records = core.records;
  const base = '/api/collections/:collection/records';
  return [
    {
      method: 'GET',
      path: base,
      async handler(ctx) {
        const result = await records.list(ctx.params.collection!, requestInfo(ctx), ctx.query);
        respondJson(ctx, 200, result, { list: true });
      },
    },
    {
      method: 'GET',
      path: `${base}/:id`,
      async handler(ctx) {
        const id = ctx.params.id ?? '';
        if (id === '') throw notFound();
        const record = await records.view(ctx.params.collection!, id, requestInfo(ctx), ctx.query);
        respondJson(ctx, 200, record);
      },
    },
    {
      method: 'POST',
      path: base,
      async handler(ctx) {
        const collection = records.collection(ctx.params.collection!);
        const record = await withUploads(ctx.req, recordUploadLimits(collection, options.bodyLimit), async (body, uploads) => {
          const data = mergeUploads(collection, body.data, uploads);
          return records.create(ctx.params.collection!, requestInfo(ctx, data), data, { expand: ctx.query.get('expand') });
        });
        respondJson(ctx, 200, record);
      },
    },
    {
      method: 'PATCH',
      path: `${base}/:id`,
      async handler(ctx) {
        const collection = records.collection(ctx.params.collection!);
        const record = await withUploads(ctx.req, recordUploadLimits(collection, options.bodyLimit), async (body, uploads) => {
          const data = mergeUploads(collection, body.data, uploads);
          return records.update({ ref: ctx.params.collection!, id: ctx.params.id ?? '' }, requestInfo(ctx, data), data, {
            expand: ctx.query.get('expand'),
          });
        });
        respondJson(ctx, 200, record);
      },
    },
    {
      method: 'DELETE',
      path: `${base}/:id`,
      async handler(ctx) {
        await records.delete(ctx.params.collection!, ctx.params.id ?? '', requestInfo(ctx));
        sendNoContent(ctx.res);
      },
    },
  ];
}
