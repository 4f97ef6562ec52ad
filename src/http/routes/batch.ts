// POST /api/batch — transactional batch of record writes.
import type { Core } from '../../core/index.js';
import { parseBatchBody, runBatch } from '../../core/records/batch.js';
import { attachBatchUploads } from '../../core/files/uploads.js';
import { withUploads } from '../upload-body.js';
import { parseFieldsParam, pickFields } from '../../core/records/fields-picker.js';
import { requestInfo } from '../request-info.js';
import { respondJson } from '../respond.js';
import type { Route } from '../router.js';

const DEFAULT_BATCH_BODY = 128 << 20;

export function batchRoutes(core: Core): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/batch',
      async handler(ctx) {
        const settings = core.settings.get().batch;
        const limit = settings.maxBodySize > 0 ? settings.maxBodySize : DEFAULT_BATCH_BODY;
        // The batch limit covers the whole body, files included; one file may use all of it.
        const results = await withUploads(ctx.req, { limit, multipartLimit: limit, fileLimit: limit }, async (body, uploads) => {
          const requests = settings.enabled ? parseBatchBody(body.data, settings) : [];
          attachBatchUploads(
            requests.map((r) => (r.body ??= {})),
            uploads,
          );
          return runBatch({ ...core, writes: core.recordRequests.batchWrites() }, requests, {
            request: requestInfo(ctx),
            settings,
            present: (result, query) => {
              const fields = query.get('fields');
              return fields ? pickFields(result, parseFieldsParam(fields), false) : result;
            },
          });
        });
        respondJson(ctx, 200, results);
      },
    },
  ];
}
